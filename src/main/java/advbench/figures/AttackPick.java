package advbench.figures;

import advbench.UserError;
import advbench.report.Epsilons;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/**
 * An attack at one epsilon, written ATTACK@EPS on the command line (FGSM@0.15, PGD-40@0.3): what a
 * confusion matrix or a row of the grid shows.
 */
public record AttackPick(String attack, double epsilon) {

    public static AttackPick parse(String text, String option) {
        int at = text.lastIndexOf('@');
        if (at <= 0 || at == text.length() - 1) {
            throw new UserError(option + ": expected ATTACK@EPS, such as FGSM@0.15, got '" + text + "'");
        }
        try {
            double eps = Double.parseDouble(text.substring(at + 1));
            if (!(eps >= 0) || Double.isInfinite(eps)) {
                throw new NumberFormatException();
            }
            return new AttackPick(text.substring(0, at).strip(), eps);
        } catch (NumberFormatException e) {
            throw new UserError(option + ": '" + text.substring(at + 1) + "' in '" + text + "' is not an epsilon (a number >= 0)");
        }
    }

    @Override
    public String toString() {
        return attack + "@" + Epsilons.format(epsilon);
    }

    /** A file-name part: fgsm_eps0.15. */
    public String slug() {
        return Figures.slug(attack) + "_eps" + Epsilons.format(epsilon);
    }

    /**
     * Checks that the run's baseline ran this attack at this epsilon; the message lists what it
     * did run, so a typo is fixed at once.
     */
    public AttackPick checkIn(RunData run, String option) {
        RunData.ModelResult baseline = run.models().get(0);
        RunData.Curve curve = baseline.attack(attack);
        if (curve == null) {
            throw new UserError(option + ": " + run.dir() + " has no attack '" + attack + "' (it ran: "
                    + baseline.attacks().stream().map(RunData.Curve::attack).collect(Collectors.joining(", ")) + ")");
        }
        if (curve.points().stream().noneMatch(p -> Epsilons.same(p[0], epsilon))) {
            throw new UserError(option + ": " + attack + " of " + run.dir() + " has no epsilon " + Epsilons.format(epsilon)
                    + " (it has " + curve.points().stream().map(p -> Epsilons.format(p[0])).collect(Collectors.joining(", ")) + ")");
        }
        return this;
    }

    /** The middle of a sweep's non-zero epsilons (0.15 of 0, 0.05, ..., 0.3), or null for none. */
    static Double middleEpsilon(RunData.Curve curve) {
        List<Double> eps = new ArrayList<>(curve.points().stream().map(p -> p[0]).filter(e -> e > 0).sorted().toList());
        return eps.isEmpty() ? null : eps.get((eps.size() - 1) / 2);
    }

    /**
     * The default confusion matrix: the middle epsilon of the first attack's sweep (L-inf
     * attacks first), and there the attack that leaves the baseline the lowest accuracy.
     */
    public static AttackPick defaultConfusion(RunData run) {
        RunData.ModelResult baseline = run.models().get(0);
        List<RunData.Curve> curves = baseline.attacks().stream().filter(c -> c.norm().equals("L-inf")).toList();
        if (curves.isEmpty()) {
            curves = baseline.attacks();
        }
        if (curves.isEmpty()) {
            return null;
        }
        Double eps = middleEpsilon(curves.get(0));
        if (eps == null) {
            return null;
        }
        AttackPick best = null;
        double lowest = Double.POSITIVE_INFINITY;
        for (RunData.Curve c : curves) {
            for (double[] p : c.points()) {
                if (Epsilons.same(p[0], eps) && p[1] < lowest) {
                    lowest = p[1];
                    best = new AttackPick(c.attack(), p[0]);
                }
            }
        }
        return best;
    }

    /** The default grid: every attack at the middle epsilon of its own sweep. */
    public static List<AttackPick> defaultGrid(RunData run) {
        List<AttackPick> picks = new ArrayList<>();
        for (RunData.Curve c : run.models().get(0).attacks()) {
            Double eps = middleEpsilon(c);
            if (eps != null) {
                picks.add(new AttackPick(c.attack(), eps));
            }
        }
        return picks;
    }
}
