package advbench.eval;

import advbench.Progress;
import advbench.RunLog;
import advbench.attack.Adversarial;
import advbench.attack.Attack;
import advbench.attack.Batch;
import advbench.attack.IterativeAttack;
import advbench.attack.Norm;
import advbench.data.LabeledImages;
import advbench.model.Classifier;
import advbench.model.ImageBatch;
import ai.djl.ndarray.NDManager;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * Indicators of attack failure (Pintor et al., NeurIPS 2022) and the automatable items of Carlini
 * et al.'s checklist (2019), measured per model on a seeded subsample of the test set, after the
 * attacks ran: each says whether the attacks' numbers can be trusted, with its value, its
 * threshold and the samples involved. Each is a question an evaluator would ask:
 * <ul>
 *   <li>{@value #GRADIENTS}: is the input gradient of the attack loss zero or not finite at x?</li>
 *   <li>{@value #RANDOMISED}: do repeated forwards of the same images differ?</li>
 *   <li>{@value #UNBOUNDED}: does each iterative untargeted attack fool every clean-correct sample
 *       when the budget is the whole box (L-inf 1, the largest L2 or L1 distance)? One it cannot
 *       fool there, it cannot fool anywhere: the attack, not the model, failed. A single step is
 *       not asked (FGSM at 1 leaves a few percent of MNIST, pixels whose gradient is 0 do not
 *       move); it is judged against the iterative attacks instead.</li>
 *   <li>{@value #MONOTONE}: run exhaustively (every sample at every epsilon, nothing carried
 *       over from a smaller one), does accuracy ever rise with epsilon?</li>
 *   <li>{@value #NOISE}: does uniform random noise of the same budget fool a sample every
 *       gradient attack missed?</li>
 *   <li>{@value #SINGLE_STEP}: on the whole test set, does a single-step attack fool more than a
 *       small share of samples its iterative counterparts of the same norm missed?</li>
 * </ul>
 */
public final class FailureIndicators {
    static final String GRADIENTS = "unavailable gradients";
    static final String RANDOMISED = "randomised model";
    static final String UNBOUNDED = "unbounded attack fails";
    static final String MONOTONE = "accuracy rises with epsilon";
    static final String NOISE = "noise beats gradient attacks";
    static final String SINGLE_STEP = "single step beats iterative";
    static final String INCOMPLETE = "incomplete optimisation";
    static final String SILENT = "silent success";

    /** Share of the subsample with a zero or non-finite loss gradient above which gradient attacks are blind. */
    static final double GRADIENT_SHARE = 0.01;
    /** A rise of accuracy with epsilon by more than this (absolute) in an exhaustive sweep. */
    static final double RISE = 0.005;
    /** As AutoAttack's check on Square: noise may fool at most this share of what every gradient attack missed. */
    static final double NOISE_SHARE = 0.002;
    /** Share of clean-correct samples a single step may fool that the iterative attack missed. */
    static final double SINGLE_STEP_SHARE = 0.01;
    /** Over the last LAST_STEPS steps the running best loss may still rise by this share of its whole rise... */
    static final double STILL_RISING = 0.05;
    static final int LAST_STEPS = 10;
    /** ... on at most this share of the samples the attack did not fool. */
    static final double INCOMPLETE_SHARE = 0.05;
    /** How many of the samples involved an indicator lists. */
    static final int LISTED = 20;

    private final int batchSize;
    private final RunLog log;

    public FailureIndicators(int batchSize, RunLog log) {
        this.batchSize = batchSize;
        this.log = log;
    }

    /** The seeded subsample: {@code count} test indices, increasing. */
    static int[] subsample(int n, int count, long seed) {
        return count >= n ? Evaluator.range(0, n) : advbench.data.Dataset.chooseIndices(n, count, new java.util.Random(seed ^ 0x1D1CA7025L));
    }

    /** Every indicator for one model; {@code ev} is the main evaluation on {@code test}. */
    public List<Metrics.Indicator> measure(Classifier model, LabeledImages test, Evaluation ev, List<PlannedAttack> attacks, int count,
                                           long seed) {
        int[] rows = subsample(test.count(), count, seed);
        LabeledImages sub = test.select(rows);
        int[] clean = advbench.attack.Rows.pick(ev.cleanPredicted(), rows); // the run's own clean predictions
        List<Metrics.Indicator> out = new ArrayList<>();
        out.add(gradients(model, sub, rows));
        out.add(new Metrics.Indicator(RANDOMISED, null, null, ev.randomised() ? 1 : 0, 0, ev.randomised(), List.of()));
        java.util.Map<PlannedAttack, List<int[]>> exhaustive = new java.util.HashMap<>();
        try (Progress bar = log.progress("indicators", attacks.size(), "attacks")) {
            for (PlannedAttack planned : attacks) {
                Attack a = planned.attack();
                if (a.target() == null && a.iterative()) {
                    out.add(unbounded(model, sub, rows, clean, a));
                }
                exhaustive.put(planned, sweep(model, sub, a, planned.epsilons(), Sweep.EXHAUSTIVE));
                out.add(monotone(sub, rows, clean, planned, exhaustive.get(planned)));
                if (a instanceof IterativeAttack iterative) {
                    out.addAll(traced(model, sub, rows, clean, planned, iterative, exhaustive.get(planned)));
                }
                bar.advance(1);
            }
        }
        out.addAll(noise(model, sub, rows, clean, exhaustive));
        out.addAll(singleStep(ev));
        return List.copyOf(out);
    }

    private Metrics.Indicator gradients(Classifier model, LabeledImages sub, int[] rows) {
        GradientFaults faults = GradientFaults.of(model, sub, batchSize);
        List<Integer> bad = new ArrayList<>();
        for (int i = 0; i < rows.length; i++) {
            if (faults.zero()[i] || faults.nonFinite()[i]) {
                bad.add(rows[i]);
            }
        }
        double share = bad.size() / (double) sub.count();
        return new Metrics.Indicator(GRADIENTS, null, null, share, GRADIENT_SHARE, share > GRADIENT_SHARE, listed(bad));
    }

    /**
     * At the largest epsilon of the sweep, one traced run of an iterative attack on the subsample:
     * {@value #INCOMPLETE}, the share of clean-correct samples no iterate fooled whose running best
     * loss still rose, over the last {@value #LAST_STEPS} steps, by more than {@value #STILL_RISING}
     * of its rise over the whole run (more steps would have helped); and, untargeted, {@value
     * #SILENT}, the share of samples an iterate fooled that the attack's answer (the exhaustive
     * sweep's, same start) does not show as fooled.
     */
    private List<Metrics.Indicator> traced(Classifier model, LabeledImages sub, int[] rows, int[] clean, PlannedAttack planned,
                                           IterativeAttack attack, List<int[]> exhaustive) {
        int e = planned.epsilons().size() - 1;
        double eps = planned.epsilons().get(e);
        if (eps == 0) {
            return List.of();
        }
        double[][] loss = new double[attack.steps() + 1][sub.count()];
        boolean[] everFooled = new boolean[sub.count()];
        for (int from = 0; from < sub.count(); from += batchSize) {
            int to = Math.min(sub.count(), from + batchSize);
            try (NDManager scope = model.manager().newSubManager()) {
                Batch batch = new Batch(ImageBatch.of(scope, sub, from, to), sub.labelRange(from, to), Evaluator.range(from, to));
                int[] targets = attack.target() == null ? null : attack.target().choose(model, batch);
                IterativeAttack.Trace trace = attack.trace(model, batch, new advbench.attack.Goal(batch.labels(), targets, false), eps);
                for (int t = 0; t < trace.loss().length; t++) {
                    System.arraycopy(trace.loss()[t], 0, loss[t], from, to - from);
                    for (int i = 0; i < to - from; i++) {
                        everFooled[from + i] |= trace.success()[t][i];
                    }
                }
            }
        }
        List<Integer> rising = new ArrayList<>();
        int robust = 0;
        for (int i = 0; i < rows.length; i++) {
            if (clean[i] != sub.labels()[i] || everFooled[i]) {
                continue;
            }
            robust++;
            double[] trace = new double[loss.length];
            for (int t = 0; t < loss.length; t++) {
                trace[t] = loss[t][i];
            }
            if (stillRising(trace)) {
                rising.add(rows[i]);
            }
        }
        double share = robust == 0 ? 0 : rising.size() / (double) robust;
        List<Metrics.Indicator> out = new ArrayList<>();
        out.add(new Metrics.Indicator(INCOMPLETE, attack.name(), eps, share, INCOMPLETE_SHARE, share > INCOMPLETE_SHARE, listed(rising)));
        if (attack.target() == null) {
            List<Integer> silent = new ArrayList<>();
            for (int i = 0; i < rows.length; i++) {
                if (clean[i] == sub.labels()[i] && everFooled[i] && exhaustive.get(e)[i] == sub.labels()[i]) {
                    silent.add(rows[i]);
                }
            }
            double silentShare = silent.size() / (double) rows.length;
            out.add(new Metrics.Indicator(SILENT, attack.name(), eps, silentShare, 0, !silent.isEmpty(), listed(silent)));
        }
        return out;
    }

    /**
     * Whether a loss trace (ascended) is still improving at its end: its running best rose over
     * the last {@value #LAST_STEPS} steps by more than {@value #STILL_RISING} of its whole rise.
     */
    static boolean stillRising(double[] trace) {
        double[] best = new double[trace.length];
        for (int t = 0; t < trace.length; t++) {
            best[t] = t == 0 ? trace[0] : Math.max(best[t - 1], trace[t]);
        }
        int last = trace.length - 1;
        double whole = best[last] - best[0];
        if (!(whole > 0)) {
            return false;
        }
        double recent = best[last] - best[Math.max(0, last - LAST_STEPS)];
        return recent > STILL_RISING * whole;
    }

    /** The budget that admits any image: the whole box. */
    static double unboundedEpsilon(Norm norm, LabeledImages images) {
        return switch (norm) {
            case LINF -> 1.0;
            case L2 -> images.shape().maxL2();
            case L1 -> images.pixelsPerImage();
        };
    }

    private Metrics.Indicator unbounded(Classifier model, LabeledImages sub, int[] rows, int[] clean, Attack attack) {
        double eps = unboundedEpsilon(attack.norm(), sub);
        int[] predicted = sweep(model, sub, attack, List.of(eps), Sweep.FAST).get(0);
        List<Integer> missed = new ArrayList<>();
        int correct = 0;
        for (int i = 0; i < rows.length; i++) {
            if (clean[i] == sub.labels()[i]) {
                correct++;
                if (predicted[i] == sub.labels()[i]) {
                    missed.add(rows[i]);
                }
            }
        }
        double share = correct == 0 ? 0 : missed.size() / (double) correct;
        return new Metrics.Indicator(UNBOUNDED, attack.name(), eps, share, 0, !missed.isEmpty(), listed(missed));
    }

    /** From the attack's exhaustive sweep of the subsample ({@code perEps}, in the order of its epsilons). */
    static Metrics.Indicator monotone(LabeledImages sub, int[] rows, int[] clean, PlannedAttack planned, List<int[]> perEps) {
        double worstRise = 0;
        Double at = null;
        List<Integer> risen = new ArrayList<>();
        for (int e = 1; e < perEps.size(); e++) {
            double before = accuracy(sub.labels(), clean, perEps.get(e - 1));
            double now = accuracy(sub.labels(), clean, perEps.get(e));
            if (now - before > worstRise) {
                worstRise = now - before;
                at = planned.epsilons().get(e);
                risen.clear();
                for (int i = 0; i < rows.length; i++) { // robust here, fooled at the smaller epsilon
                    if (perEps.get(e)[i] == sub.labels()[i] && perEps.get(e - 1)[i] != sub.labels()[i] && clean[i] == sub.labels()[i]) {
                        risen.add(rows[i]);
                    }
                }
            }
        }
        return new Metrics.Indicator(MONOTONE, planned.attack().name(), at, worstRise, RISE, worstRise > RISE, listed(risen));
    }

    /**
     * Uniform noise in the L-inf ball, or a uniformly random direction at the full L2 radius, at
     * each epsilon the gradient attacks of that norm ran at, against those attacks' exhaustive
     * results on the subsample.
     */
    private List<Metrics.Indicator> noise(Classifier model, LabeledImages sub, int[] rows, int[] clean,
                                          java.util.Map<PlannedAttack, List<int[]>> exhaustive) {
        List<Metrics.Indicator> out = new ArrayList<>();
        for (Norm norm : List.of(Norm.LINF, Norm.L2)) {
            List<PlannedAttack> gradient = exhaustive.keySet().stream()
                    .filter(p -> p.attack().norm() == norm && !p.attack().gradientFree() && p.attack().target() == null).toList();
            if (gradient.isEmpty()) {
                continue;
            }
            java.util.TreeSet<Double> epsilons = new java.util.TreeSet<>();
            gradient.forEach(p -> p.epsilons().stream().filter(e -> e > 0).forEach(epsilons::add));
            double worst = 0;
            Double at = null;
            List<Integer> worstSamples = List.of();
            for (double eps : epsilons) {
                boolean[] missedByAll = new boolean[rows.length];
                for (int i = 0; i < rows.length; i++) {
                    missedByAll[i] = clean[i] == sub.labels()[i];
                }
                for (PlannedAttack p : gradient) {
                    int e = p.epsilons().indexOf(eps);
                    if (e >= 0) {
                        int[] predicted = exhaustive.get(p).get(e);
                        for (int i = 0; i < rows.length; i++) {
                            missedByAll[i] &= predicted[i] == sub.labels()[i];
                        }
                    }
                }
                int[] noisy = model.predictAll(withNoise(sub, norm, eps, rows), batchSize);
                List<Integer> extra = new ArrayList<>();
                for (int i = 0; i < rows.length; i++) {
                    if (missedByAll[i] && noisy[i] != sub.labels()[i]) {
                        extra.add(rows[i]);
                    }
                }
                double share = extra.size() / (double) rows.length;
                if (share > worst) {
                    worst = share;
                    at = eps;
                    worstSamples = extra;
                }
            }
            out.add(new Metrics.Indicator(NOISE + " (" + norm.label() + ")", null, at, worst, NOISE_SHARE, worst > NOISE_SHARE,
                    listed(worstSamples)));
        }
        return out;
    }

    /** The subsample plus noise of size eps, one seeded draw per test index (so a sample's noise does not depend on the subsample). */
    static LabeledImages withNoise(LabeledImages images, Norm norm, double eps, int[] rows) {
        int d = images.pixelsPerImage();
        float[] out = images.pixels().clone();
        for (int i = 0; i < images.count(); i++) {
            SplittableRandom random = new SplittableRandom(0x5EED0000L + rows[i]);
            double[] v = new double[d];
            double sq = 0;
            for (int k = 0; k < d; k++) {
                v[k] = norm == Norm.LINF ? random.nextDouble(-eps, eps) : random.nextGaussian();
                sq += v[k] * v[k];
            }
            double scale = norm == Norm.LINF ? 1 : eps / Math.sqrt(sq);
            for (int k = 0; k < d; k++) {
                out[i * d + k] = (float) Math.max(0, Math.min(1, out[i * d + k] + v[k] * scale));
            }
        }
        return new LabeledImages(out, images.labels(), images.shape());
    }

    /**
     * On the whole test set (the run's own sweeps): per single-step untargeted attack and
     * epsilon, the share of clean-correct samples it fooled that every iterative untargeted
     * attack of the same norm missed at the same epsilon; the largest.
     */
    static List<Metrics.Indicator> singleStep(Evaluation ev) {
        int[] labels = ev.labels();
        List<Metrics.Indicator> out = new ArrayList<>();
        for (AttackOutcome single : ev.attacks()) {
            if (single.iterative() || single.gradientFree() || single.target() != null) {
                continue;
            }
            double worst = 0;
            Double at = null;
            boolean compared = false;
            List<Integer> samples = List.of();
            for (EpsilonOutcome s : single.perEpsilon()) {
                boolean[] missed = null;
                for (AttackOutcome it : ev.attacks()) {
                    if (!it.iterative() || it.target() != null || it.norm() != single.norm()) {
                        continue;
                    }
                    for (EpsilonOutcome e : it.perEpsilon()) {
                        if (e.epsilon() == s.epsilon()) {
                            if (missed == null) {
                                missed = new boolean[labels.length];
                                Arrays.fill(missed, true);
                            }
                            for (int i = 0; i < labels.length; i++) {
                                missed[i] &= e.predicted()[i] == labels[i];
                            }
                        }
                    }
                }
                if (missed == null) {
                    continue;
                }
                List<Integer> beaten = new ArrayList<>();
                int correct = 0;
                for (int i = 0; i < labels.length; i++) {
                    if (ev.cleanPredicted()[i] == labels[i]) {
                        correct++;
                        if (missed[i] && s.predicted()[i] != labels[i]) {
                            beaten.add(i);
                        }
                    }
                }
                compared = true;
                double share = correct == 0 ? 0 : beaten.size() / (double) correct;
                if (share > worst) {
                    worst = share;
                    at = s.epsilon();
                    samples = beaten;
                }
            }
            if (compared) {
                out.add(new Metrics.Indicator(SINGLE_STEP, single.attack(), at, worst, SINGLE_STEP_SHARE, worst > SINGLE_STEP_SHARE,
                        listed(samples)));
            }
        }
        return out;
    }

    /** Predictions of the subsample under one attack at each epsilon, batch by batch. */
    private List<int[]> sweep(Classifier model, LabeledImages sub, Attack attack, List<Double> epsilons, Sweep how) {
        List<int[]> out = new ArrayList<>();
        for (int e = 0; e < epsilons.size(); e++) {
            out.add(new int[sub.count()]);
        }
        for (int from = 0; from < sub.count(); from += batchSize) {
            int to = Math.min(sub.count(), from + batchSize);
            try (NDManager scope = model.manager().newSubManager()) {
                Batch batch = new Batch(ImageBatch.of(scope, sub, from, to), sub.labelRange(from, to), Evaluator.range(from, to));
                List<Adversarial> results = EpsilonSweeper.run(attack, model, batch, epsilons, how);
                for (int e = 0; e < results.size(); e++) {
                    System.arraycopy(results.get(e).predicted(), 0, out.get(e), from, to - from);
                }
            }
        }
        return out;
    }

    private static double accuracy(int[] labels, int[] clean, int[] predicted) {
        int c = 0;
        for (int i = 0; i < labels.length; i++) {
            c += predicted[i] == labels[i] && clean[i] == labels[i] ? 1 : 0;
        }
        return c / (double) labels.length;
    }

    private static List<Integer> listed(List<Integer> samples) {
        return List.copyOf(samples.subList(0, Math.min(LISTED, samples.size())));
    }

    /** The log's verdict table: one line per indicator. */
    public static List<String> verdict(String model, List<Metrics.Indicator> indicators) {
        List<String> lines = new ArrayList<>();
        long fired = indicators.stream().filter(Metrics.Indicator::triggered).count();
        lines.add(String.format(Locale.ROOT, "%s: indicators of attack failure: %s", model,
                fired == 0 ? "none fired" : fired + " of " + indicators.size() + " fired"));
        for (Metrics.Indicator i : indicators) {
            lines.add(String.format(Locale.ROOT, "  %-6s %-34s %-14s %-8s value %.4g (threshold %.4g)%s", i.triggered() ? "FIRED" : "ok",
                    i.name(), i.attack() == null ? "" : i.attack(), i.epsilon() == null ? "" : "eps " + i.epsilon(), i.value(), i.threshold(),
                    i.samples().isEmpty() ? "" : ", samples " + i.samples()));
        }
        return lines;
    }
}
