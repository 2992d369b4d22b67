package advbench.attack;

import advbench.model.Classifier;
import ai.djl.ndarray.NDArray;
import java.util.List;

/**
 * Auto-PGD (Croce and Hein, 2020), as in the reference implementation (fra31/auto-attack,
 * autopgd_base.py): PGD whose step size needs no tuning, run on {@link AscentLoop}. Per sample the
 * step starts at 2 eps and follows {@link ApgdSchedule}; after the first step a momentum of 0.75
 * mixes in the previous move; a sample whose step is halved at a checkpoint goes back to its best
 * point so far. Losses: cross-entropy ({@code apgd}), DLR ({@code apgd} with {@code loss: dlr}),
 * and targeted DLR towards the classes ranked 2nd, 3rd, ... by the clean logits ({@code apgd-t},
 * one run per target class on the samples no earlier target fooled; success is any
 * misclassification, as in AutoAttack).
 *
 * <p>The reference's quirks are kept, since AutoAttack's numbers come from them: those of the
 * schedule, the momentum history that is not reset when a sample goes back to its best point, the
 * gradient taken at the last iterate too, and the L-inf start, a uniform direction scaled so that
 * its largest coordinate is eps. Where it differs: a sample that the attack fools keeps its first
 * successful iterate, recorded before a checkpoint can send it back (the reference keeps the last
 * one; the robust accuracy is the same), and one it never fools returns its highest-loss point
 * (the reference returns the clean image).
 */
public final class Apgd extends IterativeAttack {
    private final int targetClasses;
    private final TargetOrder order;
    private final int firstTarget;
    private final long seed;
    private final int eot;

    /**
     * APGD-CE or APGD-DLR.
     *
     * @param eot gradient passes averaged per step (expectation over transformation, for
     *            randomised models); the loss and prediction are the last pass's, as in the reference
     */
    public Apgd(String name, Norm norm, int steps, int restarts, Loss loss, long seed, int eot) {
        this(name, norm, steps, restarts, loss, 0, TargetOrder.LOGIT, 0, seed, eot);
    }

    /** APGD-T: targeted DLR towards each of the {@code targetClasses} classes ranked highest after the top one. */
    public static Apgd targeted(String name, Norm norm, int steps, int restarts, int targetClasses, long seed) {
        return targeted(name, norm, steps, restarts, TargetOrder.LOGIT, 0, targetClasses, seed);
    }

    /**
     * APGD-T towards the classes {@code first + 1} to {@code first + targetClasses} of each
     * sample's {@code order}: the fast AutoAttack runs MALT's first k, its audit the others.
     */
    public static Apgd targeted(String name, Norm norm, int steps, int restarts, TargetOrder order, int first, int targetClasses, long seed) {
        return new Apgd(name, norm, steps, restarts, null, targetClasses, order, first, seed, 1);
    }

    private Apgd(String name, Norm norm, int steps, int restarts, Loss loss, int targetClasses, TargetOrder order, int firstTarget,
                 long seed, int eot) {
        super(name, norm, steps, StepSize.relative(2.0), restarts, null, loss);
        if (targetClasses < 0 || eot < 1 || firstTarget < 0 || (targetClasses == 0) == (loss == null)) {
            throw new IllegalArgumentException(name + ": eot must be at least 1, and exactly one of a loss and target classes given");
        }
        this.targetClasses = targetClasses;
        this.order = order;
        this.firstTarget = firstTarget;
        this.seed = seed;
        this.eot = eot;
    }

    /** APGD-T's target classes are runs of their own: the sweeper runs each only on the samples still robust. */
    @Override
    public int restarts() {
        return targetClasses > 0 ? targetClasses * restarts : restarts;
    }

    /** For APGD-T, the order its targets come in (null for APGD-CE and APGD-DLR). */
    public TargetOrder targetOrder() {
        return targetClasses > 0 ? order : null;
    }

    @Override
    protected int eot() {
        return eot;
    }

    /** APGD-T: draw r of the sweeper is the target at position first + r / restarts of the order (the reference loops restarts inside targets). */
    @Override
    protected Loss lossFor(Classifier model, Batch batch) {
        return targetClasses == 0 ? loss : Loss.dlrTargeted(targets(model, batch));
    }

    /** Each sample's target of this run: the class at position first + draw / restarts of its order. */
    private int[] targets(Classifier model, Batch batch) {
        int[][] ranked = order.of(model, batch, norm);
        int[] t = new int[batch.size()];
        for (int i = 0; i < t.length; i++) {
            int position = firstTarget + batch.drawOf(i) / restarts;
            t[i] = ranked[i][Math.min(position, ranked[i].length - 1)];
        }
        return t;
    }

    /**
     * APGD-T over a whole batch of a sweep: the order is computed once for the batch, not again
     * for each target's run on the samples still robust (MALT's costs a backward pass per class).
     */
    @Override
    public Bound bind(Classifier model, Batch batch, Goal goal) {
        Batch ordered = targetClasses > 0 && batch.targetOrder(order) == null ? batch.withTargetOrder(order, order.of(model, batch, norm)) : batch;
        return super.bind(model, ordered, goal);
    }

    /**
     * A run's random starts. APGD-T keys each sample's start by its target class and restart, not
     * by the target's position in the order: a sample gets the same run towards a class whatever
     * order or subset of targets reaches it, so the fast AutoAttack's audit and escalation give a
     * sample the standard ensemble's verdict exactly.
     */
    @Override
    protected AscentLoop.Run newRun(Classifier model, Batch batch, double eps) {
        long[] purposes = new long[batch.size()];
        if (targetClasses == 0) {
            java.util.Arrays.setAll(purposes, batch::drawOf);
        } else {
            int[] t = targets(model, batch);
            for (int i = 0; i < purposes.length; i++) {
                purposes[i] = TARGET_DRAWS + (long) t[i] * restarts + batch.drawOf(i) % restarts;
            }
        }
        return new ApgdRun(batch, eps, norm, steps, seed, purposes);
    }

    /** Where APGD-T's per-class draws begin: clear of any restart count of APGD-CE. */
    private static final long TARGET_DRAWS = 1L << 32;

    /**
     * {@code type: apgd}: AutoAttack's APGD-CE, or APGD-DLR with {@code loss: dlr}. Defaults as in
     * the reference: L-inf, 100 steps, one restart.
     */
    public record Spec(String label, String norm, Integer steps, Integer restarts, String loss, Integer eot, List<Double> epsilons)
            implements AttackSpec {
        static final String TYPE = "apgd";

        public Spec {
            Norm n = ParamChecks.norm(TYPE, norm);
            norm = n == Norm.L2 ? "l2" : "linf";
            steps = ParamChecks.steps(TYPE, steps, 100);
            restarts = ParamChecks.restarts(TYPE, restarts);
            loss = loss == null ? "ce" : loss;
            if (!loss.equals("ce") && !loss.equals("dlr")) {
                throw new advbench.SpecException("loss", TYPE + ": unknown loss '" + loss + "'; expected ce (cross-entropy) or dlr");
            }
            eot = eot == null ? 1 : eot;
            if (eot < 1 || eot > 1000) {
                throw new advbench.SpecException("eot", TYPE + " eot (gradient passes averaged per step) must be at least 1 and at most 1000,"
                        + " got " + eot);
            }
            label = ParamChecks.label(label, "APGD" + (n == Norm.L2 ? "-L2" : "") + "-" + loss.toUpperCase(java.util.Locale.ROOT)
                    + (steps != 100 ? "-" + steps : "") + (restarts > 1 ? "x" + restarts : "") + (eot > 1 ? "-EOT" + eot : ""));
            epsilons = ParamChecks.epsilons(epsilons, n, "epsilons");
        }

        @Override
        public Object target() {
            return null;
        }

        @Override
        public Norm epsilonNorm() {
            return Norm.parse(norm);
        }

        @Override
        public void checkAgainst(advbench.data.DataShape shape, List<Double> sweep) {
            AttackSpec.super.checkAgainst(shape, sweep);
            if (loss.equals("dlr") && shape.classes() < 3) {
                throw new advbench.SpecException("loss", "the DLR loss needs at least 3 classes; the data has " + shape.classes());
            }
        }

        @Override
        public AttackSpec twiceTheSteps() {
            return new Spec(label, norm, AttackSpec.twice(steps, advbench.SpecException.MAX_STEPS), restarts, loss, eot, epsilons);
        }

        @Override
        public Attack build(long seed) {
            return new Apgd(label, epsilonNorm(), steps, restarts, loss.equals("dlr") ? Loss.dlr() : Loss.crossEntropy(), seed, eot);
        }
    }

    /**
     * {@code type: apgd-t}: AutoAttack's APGD-T, targeted DLR towards each of the
     * {@code target_classes} classes ranked highest after the top one by the clean logits
     * (default 9), or first by MALT's estimate with {@code targets: malt}, one run each on the
     * samples still robust.
     */
    public record TargetedSpec(String label, String norm, Integer steps, Integer restarts, Integer targetClasses, String targets,
                               List<Double> epsilons) implements AttackSpec {
        static final String TYPE = "apgd-t";

        public TargetedSpec {
            Norm n = ParamChecks.norm(TYPE, norm);
            norm = n == Norm.L2 ? "l2" : "linf";
            steps = ParamChecks.steps(TYPE, steps, 100);
            restarts = ParamChecks.restarts(TYPE, restarts);
            targetClasses = targetClasses == null ? 9 : targetClasses;
            if (targetClasses < 1 || targetClasses > 999) {
                throw new advbench.SpecException("target_classes", TYPE + " target_classes must be at least 1 and at most 999, got "
                        + targetClasses);
            }
            targets = ParamChecks.targetOrder(TYPE, targets);
            label = ParamChecks.label(label, "APGD" + (n == Norm.L2 ? "-L2" : "") + "-T" + (steps != 100 ? "-" + steps : "")
                    + (restarts > 1 ? "x" + restarts : "") + (targetClasses != 9 ? " (" + targetClasses + " targets)" : "")
                    + ParamChecks.targetOrderSuffix(targets));
            epsilons = ParamChecks.epsilons(epsilons, n, "epsilons");
        }

        @Override
        public Object target() {
            return null;
        }

        @Override
        public Norm epsilonNorm() {
            return Norm.parse(norm);
        }

        @Override
        public void checkAgainst(advbench.data.DataShape shape, List<Double> sweep) {
            AttackSpec.super.checkAgainst(shape, sweep);
            if (shape.classes() < 4) {
                throw new advbench.SpecException("target_classes", "the targeted DLR loss needs at least 4 classes; the data has "
                        + shape.classes());
            }
            if (targetClasses > shape.classes() - 1) {
                throw new advbench.SpecException("target_classes", targetClasses + " target classes, but the data has only "
                        + (shape.classes() - 1) + " classes besides the true one");
            }
        }

        @Override
        public AttackSpec twiceTheSteps() {
            return new TargetedSpec(label, norm, AttackSpec.twice(steps, advbench.SpecException.MAX_STEPS), restarts, targetClasses, targets,
                    epsilons);
        }

        @Override
        public Attack build(long seed) {
            return Apgd.targeted(label, epsilonNorm(), steps, restarts, TargetOrder.parse(targets), 0, targetClasses, seed);
        }
    }
}
