package advbench.figures;

import advbench.report.Epsilons;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Accuracy against epsilon for one norm, ready to draw or tabulate: one line per model (of each
 * configuration) and attack, each point the mean over the configuration's runs with its spread.
 * Figures and tables are made from this one object, so they always show the same numbers.
 *
 * @param norm "L-inf" or "L2", as metrics.json names it
 * @param models one entry per colour: a model of a configuration
 * @param attacks one entry per marker and line style; the worst case, if any, last
 * @param epsilons every epsilon of any line, ascending
 * @param steps the continuous curves of minimum-norm attacks, drawn as step functions, from the
 *     first run of each configuration that has one (a step curve is not averaged over seeds)
 */
public record AccuracyData(String norm, List<String> models, List<String> attacks, List<Line> lines, List<Double> epsilons,
                           List<Steps> steps) {
    public static final String WORST_CASE = "worst case";

    /** The line of certified accuracy by {@code method} (IBP, CROWN-IBP): a lower bound, drawn below the attacks. */
    public static String certifiedName(String method) {
        return "certified (" + method + ")";
    }

    public static boolean isCertified(String attack) {
        return attack.startsWith("certified (");
    }

    /** The index of the first certified line's attack, or -1. */
    public int certifiedAttack() {
        for (int a = 0; a < attacks.size(); a++) {
            if (isCertified(attacks.get(a))) {
                return a;
            }
        }
        return -1;
    }

    /** @param model index into models; attack index into attacks */
    public record Line(int model, int attack, List<Stat> points) {

        public Stat at(double epsilon) {
            return points.stream().filter(p -> Epsilons.same(p.epsilon(), epsilon)).findFirst().orElse(null);
        }
    }

    /** A minimum-norm attack's step curve: corners [epsilon, accuracy (%)]. */
    public record Steps(int model, int attack, List<double[]> corners) {}

    /** Whether the attack has a step curve: its sweep points are then drawn as markers on it, with no line of their own. */
    public boolean hasSteps(int attack) {
        return steps.stream().anyMatch(s -> s.attack() == attack);
    }

    /** Accuracy (%) at one epsilon over n runs: mean, extremes and sample standard deviation. */
    public record Stat(double epsilon, double mean, double min, double max, double std, int n) {

        static Stat of(double epsilon, List<Double> values) {
            double mean = values.stream().mapToDouble(Double::doubleValue).average().orElse(Double.NaN);
            double ss = values.stream().mapToDouble(v -> (v - mean) * (v - mean)).sum();
            double std = values.size() > 1 ? Math.sqrt(ss / (values.size() - 1)) : 0;
            return new Stat(epsilon, mean, values.stream().mapToDouble(Double::doubleValue).min().orElse(mean),
                    values.stream().mapToDouble(Double::doubleValue).max().orElse(mean), std, values.size());
        }
    }

    /** Whether any point averages several runs (then figures draw a band, tables a spread). */
    public boolean hasSpread() {
        return lines.stream().anyMatch(l -> l.points().stream().anyMatch(p -> p.n() > 1));
    }

    public boolean isEmpty() {
        return lines.isEmpty();
    }

    /** Norms in the order the runs list them: usually L-inf, then L2. */
    public static List<String> norms(List<Configuration> configurations) {
        List<String> norms = new ArrayList<>();
        configurations.forEach(c -> c.runs().forEach(r -> r.models().forEach(m -> java.util.stream.Stream.concat(m.attacks().stream(),
                m.certified().stream()).forEach(a -> {
                    if (!norms.contains(a.norm())) {
                        norms.add(a.norm());
                    }
                }))));
        return norms;
    }

    public static AccuracyData of(List<Configuration> configurations, String norm) {
        List<String> models = new ArrayList<>();
        List<String> attacks = new ArrayList<>();
        boolean worstCase = false;
        // (model, attack) -> epsilon -> accuracies (%) of the configuration's runs
        Map<List<Integer>, Map<Double, List<Double>>> values = new TreeMap<>((a, b) -> a.get(0).equals(b.get(0))
                ? Integer.compare(a.get(1), b.get(1)) : Integer.compare(a.get(0), b.get(0)));
        List<Steps> steps = new ArrayList<>();
        boolean severalModels = configurations.stream().anyMatch(c -> c.modelNames().size() > 1);
        for (Configuration config : configurations) {
            for (String modelName : config.modelNames()) {
                String label = configurations.size() == 1 ? modelName + config.runsNote()
                        : severalModels ? config.label() + ": " + modelName : config.label();
                int model = -1;
                for (RunData run : config.runs()) {
                    RunData.ModelResult m = run.model(modelName);
                    if (m == null) {
                        continue;
                    }
                    List<RunData.Curve> curves = new ArrayList<>(m.attacks().stream().filter(c -> c.norm().equals(norm)).toList());
                    if (curves.size() > 1) { // the worst case of one attack is that attack
                        m.worstCase().stream().filter(w -> w.norm().equals(norm)).forEach(curves::add);
                    }
                    m.certified().stream().filter(c -> c.norm().equals(norm)).forEach(curves::add);
                    if (curves.isEmpty()) {
                        continue;
                    }
                    if (model < 0) {
                        models.add(label);
                        model = models.size() - 1;
                    }
                    for (RunData.Curve curve : curves) {
                        boolean worst = curve.attack().equals(WORST_CASE);
                        worstCase |= worst;
                        if (!worst && !attacks.contains(curve.attack())) {
                            attacks.add(curve.attack());
                        }
                        int attack = worst ? Integer.MAX_VALUE : attacks.indexOf(curve.attack());
                        Map<Double, List<Double>> line = values.computeIfAbsent(List.of(model, attack), k -> new TreeMap<>());
                        boolean hasZero = curve.points().stream().anyMatch(p -> p[0] == 0);
                        if (!hasZero) { // every curve starts at the clean accuracy, as in bench run's plot
                            line.computeIfAbsent(0.0, k -> new ArrayList<>()).add(100 * m.cleanAccuracy());
                        }
                        for (double[] p : curve.points()) {
                            line.computeIfAbsent(p[0], k -> new ArrayList<>()).add(100 * p[1]);
                        }
                        int modelIndex = model;
                        if (curve.steps() != null && steps.stream().noneMatch(st -> st.model() == modelIndex && st.attack() == attack)) {
                            steps.add(new Steps(model, attack, curve.steps().stream().map(c -> new double[] {c[0], 100 * c[1]}).toList()));
                        }
                    }
                }
            }
        }
        if (worstCase) {
            attacks.add(WORST_CASE);
        }
        List<Line> lines = new ArrayList<>();
        TreeSet<Double> epsilons = new TreeSet<>();
        values.forEach((key, byEps) -> {
            List<Stat> stats = new ArrayList<>();
            byEps.forEach((eps, accs) -> stats.add(Stat.of(eps, accs)));
            epsilons.addAll(byEps.keySet());
            int attack = key.get(1) == Integer.MAX_VALUE ? attacks.size() - 1 : key.get(1);
            lines.add(new Line(key.get(0), attack, List.copyOf(stats)));
        });
        return new AccuracyData(norm, List.copyOf(models), List.copyOf(attacks), List.copyOf(lines), List.copyOf(epsilons),
                List.copyOf(steps));
    }
}
