package advbench.attack;

import advbench.model.Classifier;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.util.ArrayList;
import java.util.List;

/**
 * An ensemble run as AutoAttack runs its attacks (Croce and Hein, 2020; fra31/auto-attack,
 * autoattack.py): the clean prediction first, then each attack in turn, each (and each of its
 * restarts or target classes) only on the samples every earlier one failed on. A sample counts as
 * robust only if it survives them all; the stage that decided each sample is reported, so the
 * run gives the accuracy after each stage.
 *
 * <p>Versions, as in the reference: {@code standard} is APGD-CE, APGD-T (9 target classes), FAB-T
 * (9 target classes) and Square (5000 queries), each with 100 steps and one restart; {@code plus}
 * runs APGD-CE, APGD-DLR and untargeted FAB with 5 restarts each, then Square, APGD-T and FAB-T;
 * {@code rand}, for randomised models, is APGD-CE and APGD-DLR with gradients averaged over 20
 * passes (expectation over transformation). The evaluator says whether the model is randomised
 * (repeated forwards differ), as the reference checks.
 */
public final class AutoAttack implements Attack {
    private final String name;
    private final Norm norm;
    private final List<Attack> attacks;
    private final Audit audit;
    private final int from;
    private final int to;
    private final StageListener listener;
    private final int stackRows;

    public AutoAttack(String name, Norm norm, List<Attack> attacks) {
        this(name, norm, attacks, null);
    }

    /**
     * @param audit for the fast version, how many of the attacks are its fast stages and how the
     *     others audit them (see {@link Audit}); null runs every attack on every sample left
     */
    public AutoAttack(String name, Norm norm, List<Attack> attacks, Audit audit) {
        this(name, norm, checked(name, norm, attacks, audit), audit, 0, audit == null ? attacks.size() : audit.fastStages(),
                StageListener.NONE, 0);
    }

    private AutoAttack(String name, Norm norm, List<Attack> attacks, Audit audit, int from, int to, StageListener listener,
                       int stackRows) {
        this.name = name;
        this.norm = norm;
        this.attacks = attacks;
        this.audit = audit;
        this.from = from;
        this.to = to;
        this.listener = listener;
        this.stackRows = stackRows;
    }

    private static List<Attack> checked(String name, Norm norm, List<Attack> attacks, Audit audit) {
        if (attacks.isEmpty()) {
            throw new IllegalArgumentException(name + ": an ensemble needs at least one attack");
        }
        for (Attack a : attacks) {
            if (a.norm() != norm || a.target() != null) {
                throw new IllegalArgumentException(name + ": its attacks must be untargeted and in " + norm.label() + ", not " + a.name());
            }
        }
        if (audit != null && (audit.fastStages() < 1 || audit.fastStages() >= attacks.size())) {
            throw new IllegalArgumentException(name + ": the fast stages must be some of the attacks, not all");
        }
        return List.copyOf(attacks);
    }

    /**
     * The fast version's audit: the first {@code fastStages} attacks run on every sample; the
     * others, the ones the fast version skips, run on two parts of the samples the fast stages left
     * robust: the {@code nearest} with the smallest clean margin, and {@code nearest} more for as
     * long as a block turns up a miss (0: no such part), then a seeded random subsample of {@code
     * samples} of the rest. When the random part finds more than {@code tolerance}, or a
     * gradient-free member fools any audited sample, they run on every sample left and the result
     * is the full ensemble's. The sampling and the decision are the evaluator's ({@code
     * eval.FastAuditor}: they look at the whole test set, not a batch).
     */
    public record Audit(int fastStages, int samples, int nearest, int tolerance, long seed) {}

    /** The fast version's audit, or null for an ensemble that runs every attack on every sample. */
    public Audit audit() {
        return audit;
    }

    /** The same ensemble running only its fast stages: what a batch of the fast version gets. */
    public AutoAttack fastStages() {
        return audit == null ? this : new AutoAttack(name, norm, attacks, audit, 0, audit.fastStages(), listener, stackRows);
    }

    /** The same ensemble running only the stages the fast version skips: its audit, and its escalation. */
    public AutoAttack skippedStages() {
        if (audit == null) {
            throw new IllegalStateException(name + " skips no stage");
        }
        return new AutoAttack(name, norm, attacks, audit, audit.fastStages(), attacks.size(), listener, stackRows);
    }

    /** The same ensemble telling {@code l} about each run of each stage. */
    public AutoAttack reporting(StageListener l) {
        return new AutoAttack(name, norm, attacks, audit, from, to, l, stackRows);
    }

    /**
     * The same ensemble passing several runs of a stage (APGD-T's or FAB-T's target classes,
     * restarts) in one batch of up to {@code rows} rows when the samples left are few: five
     * samples' nine FAB-T targets in one pass of 45 images instead of nine passes of five. A
     * small pass costs nearly as much as a larger one, so this saves wall time; it spends passes
     * on samples that an earlier run of the stack fools and a later one attacks anyway, which is
     * why only few samples are stacked. The verdicts and the images are those of running the runs
     * one after another: every run of a sample depends on the sample and its draw alone, and a
     * sample takes its first successful run's point.
     */
    public AutoAttack stackingUpTo(int rows) {
        return new AutoAttack(name, norm, attacks, audit, from, to, listener, rows);
    }

    /**
     * Told about each run of an ensemble's stages (a target class of APGD-T or FAB-T, a restart),
     * or each stack of runs passed together: what a long evaluation's log shows between its
     * batches, and where its time goes.
     *
     * @param run the run's number within its stage, from 0, of {@code runs}; {@code stacked} runs
     *     from it on were passed together
     * @param entered samples still robust when the run began; {@code left}, when it (or the stack) ended
     */
    public interface StageListener {
        void ran(double eps, int stage, String attack, int run, int stacked, int runs, int entered, int left, long nanos, long forward,
                 long backward);

        StageListener NONE = (eps, stage, attack, run, stacked, runs, entered, left, nanos, forward, backward) -> {};
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public Norm norm() {
        return norm;
    }

    @Override
    public boolean iterative() {
        return true;
    }

    /** The first member that can be traced (APGD-CE in every version): the stage that decides most samples. */
    @Override
    public Traceable traced() {
        return attacks.stream().map(Attack::traced).filter(java.util.Objects::nonNull).findFirst().orElse(null);
    }

    /** "clean", then the attacks' names, all of them whichever this runs: what {@link Adversarial#stages} counts from. */
    @Override
    public List<String> stages() {
        List<String> s = new ArrayList<>();
        s.add("clean");
        attacks.forEach(a -> s.add(a.name()));
        return s;
    }

    public List<Attack> attacks() {
        return attacks;
    }

    @Override
    public Adversarial attack(Classifier model, Batch batch, Goal goal, double eps) {
        Attack.checkEpsilon(name, eps);
        int n = batch.size();
        int d = batch.pixelsPerImage();
        float[] result = batch.images().toFloatArray();
        int[] predicted = model.predict(batch.images());
        int[] stage = new int[n];
        boolean[] decided = goal.success(predicted);
        for (int i = 0; i < n; i++) {
            stage[i] = decided[i] ? 0 : -1;
        }
        if (eps > 0) {
            Batch ordered = batch;
            for (int k = from; k < to; k++) {
                Attack a = attacks.get(k);
                int runs = a.restarts();
                for (int r = 0; r < runs; ) {
                    int[] open = Rows.where(Rows.not(decided));
                    if (open.length == 0) {
                        break;
                    }
                    long start = System.nanoTime();
                    long forward = model.passes().forward();
                    long backward = model.passes().backward();
                    if (r == 0) {
                        ordered = withTargetOrder(model, ordered, a, open);
                    }
                    int together = Math.max(1, Math.min(runs - r, stackRows / open.length));
                    Adversarial adv;
                    try (Batch part = together == 1 ? ordered.select(open) : ordered.stacked(open, r, together)) {
                        adv = together == 1 ? a.attack(model, part.withDraw(r), goal.select(open), eps)
                                : a.attack(model, part, goal.stacked(open, together), eps);
                    }
                    try (NDArray images = adv.images()) {
                        keep(images, adv, open, together, k + 1, result, predicted, stage, decided, d);
                    }
                    listener.ran(eps, k + 1, a.name(), r, together, runs, open.length, Rows.where(Rows.not(decided)).length,
                            System.nanoTime() - start, model.passes().forward() - forward, model.passes().backward() - backward);
                    r += together;
                }
            }
        }
        NDManager owner = batch.images().getManager();
        NDArray images = owner.create(result, batch.images().getShape());
        return new Adversarial(eps, images, predicted, null, decided.clone(), n, stage);
    }

    /**
     * The batch carrying the target order a multi-target member uses, computed once, at the clean
     * images of the samples still open when the member begins (the others are never attacked
     * again): its target runs on subsets look it up instead of passing forward (or, for MALT's,
     * backward once per class) again for every target. Counted in the member's first run.
     */
    private static Batch withTargetOrder(Classifier model, Batch batch, Attack member, int[] open) {
        TargetOrder order = member instanceof Apgd apgd ? apgd.targetOrder() : member instanceof Fab fab ? fab.targetOrder() : null;
        if (order == null || batch.targetOrder(order) != null) {
            return batch;
        }
        int[][] some;
        try (Batch part = batch.select(open)) {
            some = order.of(model, part, member.norm());
        }
        int[][] perRow = new int[batch.size()][];
        for (int j = 0; j < open.length; j++) {
            perRow[open[j]] = some[j];
        }
        return batch.withTargetOrder(order, perRow);
    }

    /**
     * Takes an attack's results for the samples it decided (and, for the others, its last
     * attempt, so an undecided sample shows the strongest attack's final point). The results of
     * {@code together} stacked runs are taken run by run, as if each had run after the one before
     * it: a sample an earlier run decided keeps that run's point.
     */
    private static void keep(NDArray images, Adversarial adv, int[] open, int together, int stageNumber, float[] result, int[] predicted,
                             int[] stage, boolean[] decided, int d) {
        float[] pixels = images.toFloatArray();
        int m = open.length;
        for (int q = 0; q < together; q++) {
            for (int j = 0; j < m; j++) {
                int i = open[j];
                if (decided[i]) {
                    continue; // every open sample was undecided when the stack began: an earlier run of it decided this one
                }
                int row = q * m + j;
                System.arraycopy(pixels, row * d, result, i * d, d);
                predicted[i] = adv.predicted()[row];
                if (adv.success()[row]) {
                    decided[i] = true;
                    stage[i] = stageNumber;
                }
            }
        }
    }

    /**
     * The attacks of a version, in the reference's order and with its settings ({@code steps} 100,
     * {@code targetClasses} 9, {@code queries} 5000): standard is APGD-CE, APGD-T, FAB-T, Square;
     * plus is APGD-CE and APGD-DLR with 5 restarts, untargeted FAB with 5 restarts, Square, APGD-T
     * and FAB-T; rand is APGD-CE and APGD-DLR with gradients averaged over 20 passes (EOT).
     */
    static List<Attack> attacksOf(String version, Norm norm, int steps, int targetClasses, int queries, long seed) {
        return attacksOf(version, norm, steps, targetClasses, queries, TargetOrder.MALT, 0, seed);
    }

    /**
     * As above; the fast version is the standard one with APGD-T split in two: its first {@code
     * fastTargets} targets in {@code order}, then the others (the audit's), so that its stages are
     * APGD-CE, APGD-T on the first targets, and the skipped ones: APGD-T on the other targets,
     * FAB-T and Square.
     */
    static List<Attack> attacksOf(String version, Norm norm, int steps, int targetClasses, int queries, TargetOrder order, int fastTargets,
                                  long seed) {
        String n = norm == Norm.L2 ? "-L2" : "";
        Attack apgdCe = new Apgd("APGD" + n + "-CE", norm, steps, 1, Loss.crossEntropy(), seed, 1);
        Attack apgdT = Apgd.targeted("APGD" + n + "-T", norm, steps, 1, targetClasses, seed);
        Attack fabT = new Fab("FAB" + n + "-T", norm, steps, targetClasses);
        Attack square = new Square("Square" + n, norm, queries, 0.8, 1, seed);
        String by = order == TargetOrder.MALT ? "MALT" : "logit";
        return switch (version) {
            case "standard" -> List.of(apgdCe, apgdT, fabT, square);
            case "fast" -> List.of(apgdCe,
                    Apgd.targeted("APGD" + n + "-T (" + by + " 1-" + fastTargets + ")", norm, steps, 1, order, 0, fastTargets, seed),
                    Apgd.targeted("APGD" + n + "-T (" + by + " " + (fastTargets + 1) + "-" + targetClasses + ")", norm, steps, 1, order,
                            fastTargets, targetClasses - fastTargets, seed),
                    fabT, square);
            case "plus" -> List.of(new Apgd("APGD" + n + "-CE", norm, steps, PLUS_RESTARTS, Loss.crossEntropy(), seed, 1),
                    new Apgd("APGD" + n + "-DLR", norm, steps, PLUS_RESTARTS, Loss.dlr(), seed, 1),
                    new Fab("FAB" + n, norm, steps, 0, PLUS_RESTARTS, seed), square, apgdT, fabT);
            case "rand" -> List.of(new Apgd("APGD" + n + "-CE", norm, steps, 1, Loss.crossEntropy(), seed, RAND_EOT),
                    new Apgd("APGD" + n + "-DLR", norm, steps, 1, Loss.dlr(), seed, RAND_EOT));
            default -> throw new IllegalArgumentException("unknown AutoAttack version " + version);
        };
    }

    /** The plus version's restarts of APGD-CE, APGD-DLR and FAB. */
    static final int PLUS_RESTARTS = 5;
    /** The rand version's gradient passes per step (expectation over transformation). */
    static final int RAND_EOT = 20;

    /**
     * {@code type: autoattack}: the ensemble of a {@code version} (standard), in {@code norm}
     * (linf), at the experiment's epsilons or its own. {@code steps}, {@code target_classes} and
     * {@code queries} change the reference's budgets (100, 9, 5000) for quick looks; the label then
     * says so, as the result is no longer AutoAttack's.
     */
    public record Spec(String label, String version, String norm, Integer steps, Integer targetClasses, Integer queries,
                       Integer fastTargets, String targets, Integer auditSamples, Integer auditNearest, Integer auditTolerance,
                       List<Double> epsilons)
            implements AttackSpec {
        static final String TYPE = "autoattack";
        static final List<String> VERSIONS = List.of("standard", "fast", "plus", "rand");
        /** The fast version's defaults, chosen from measurements (docs/autoattack.md, "The fast version"). */
        public static final int FAST_TARGETS = 3;
        public static final int AUDIT_SAMPLES = 100;
        public static final int AUDIT_NEAREST = 20;
        public static final int AUDIT_TOLERANCE = 0;
        /**
         * The fast stages' order of APGD-T's targets: the reference's, by logit. MALT's found no more
         * (and on the undefended model one sample fewer) with 3 targets on 10-class MNIST models, at 10
         * backward passes per sample more.
         */
        public static final String FAST_ORDER = "logit";

        public Spec {
            Norm n = ParamChecks.norm(TYPE, norm);
            norm = n == Norm.L2 ? "l2" : "linf";
            version = version == null ? "standard" : version;
            if (!VERSIONS.contains(version)) {
                throw new advbench.SpecException("version", TYPE + ": unknown version '" + version + "'; expected "
                        + String.join(", ", VERSIONS));
            }
            steps = ParamChecks.steps(TYPE, steps, 100);
            targetClasses = targetClasses == null ? 9 : targetClasses;
            if (targetClasses < 1 || targetClasses > 999) {
                throw new advbench.SpecException("target_classes", TYPE + " target_classes must be at least 1 and at most 999, got "
                        + targetClasses);
            }
            queries = queries == null ? 5000 : queries;
            if (queries < 1 || queries > 1_000_000) {
                throw new advbench.SpecException("queries", TYPE + " queries must be at least 1 and at most 1000000, got " + queries);
            }
            boolean fast = version.equals("fast");
            for (var only : new Object[][] {{"fast_targets", fastTargets}, {"targets", targets}, {"audit_samples", auditSamples},
                    {"audit_nearest", auditNearest}, {"audit_tolerance", auditTolerance}}) {
                if (!fast && only[1] != null) {
                    throw new advbench.SpecException((String) only[0], TYPE + ": " + only[0] + " is an option of version: fast; version "
                            + version + " runs every stage on every sample");
                }
            }
            if (fast) {
                fastTargets = fastTargets == null ? Math.min(FAST_TARGETS, targetClasses - 1) : fastTargets;
                if (fastTargets < 1 || fastTargets >= targetClasses) {
                    throw new advbench.SpecException("fast_targets", TYPE + " fast_targets (APGD-T's targets on every sample) must be at"
                            + " least 1 and less than target_classes (" + targetClasses + "), got " + fastTargets);
                }
                targets = targets == null ? FAST_ORDER : ParamChecks.targetOrder(TYPE, targets);
                auditSamples = auditSamples == null ? AUDIT_SAMPLES : auditSamples;
                if (auditSamples < 1 || auditSamples > 1_000_000) {
                    throw new advbench.SpecException("audit_samples", TYPE + " audit_samples must be at least 1 and at most 1000000, got "
                            + auditSamples);
                }
                auditNearest = auditNearest == null ? AUDIT_NEAREST : auditNearest;
                if (auditNearest < 0 || auditNearest > 1_000_000) {
                    throw new advbench.SpecException("audit_nearest", TYPE + " audit_nearest (the block of smallest-margin samples the"
                            + " audit takes first; 0 for none) must be at least 0 and at most 1000000, got " + auditNearest);
                }
                auditTolerance = auditTolerance == null ? AUDIT_TOLERANCE : auditTolerance;
                if (auditTolerance < 0 || auditTolerance >= auditSamples) {
                    throw new advbench.SpecException("audit_tolerance", TYPE + " audit_tolerance (samples the audit may find fooled before"
                            + " the skipped stages run on every sample) must be at least 0 and less than audit_samples (" + auditSamples
                            + "), got " + auditTolerance);
                }
            }
            List<String> changed = new ArrayList<>();
            if (steps != 100) {
                changed.add("steps " + steps);
            }
            if (targetClasses != 9) {
                changed.add("targets " + targetClasses);
            }
            if (queries != 5000) {
                changed.add("queries " + queries);
            }
            if (fast && (fastTargets != Math.min(FAST_TARGETS, targetClasses - 1) || !targets.equals(FAST_ORDER))) {
                changed.add(targets + " " + fastTargets + " targets");
            }
            if (fast && (auditSamples != AUDIT_SAMPLES || auditNearest != AUDIT_NEAREST || auditTolerance != AUDIT_TOLERANCE)) {
                changed.add("audit " + auditSamples + (auditNearest != AUDIT_NEAREST ? " + nearest " + auditNearest : "")
                        + (auditTolerance > 0 ? " tolerating " + auditTolerance : ""));
            }
            label = ParamChecks.label(label, "AutoAttack" + (n == Norm.L2 ? "-L2" : "") + (version.equals("standard") ? "" : "-" + version)
                    + (changed.isEmpty() ? "" : " (" + String.join(", ", changed) + ")"));
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
            if (version.equals("rand")) {
                if (shape.classes() < 3) {
                    throw new advbench.SpecException("version", "the DLR loss of APGD-DLR needs at least 3 classes; the data has "
                            + shape.classes());
                }
                return;
            }
            if (shape.classes() < 4 || targetClasses > shape.classes() - 1) {
                throw new advbench.SpecException("target_classes", "APGD-T targets " + targetClasses + " classes besides the true one and"
                        + " its loss needs 4 classes; the data has " + shape.classes() + " (set target_classes to at most "
                        + Math.max(shape.classes() - 1, 0) + ")");
            }
        }

        @Override
        public AttackSpec twiceTheSteps() {
            return new Spec(label, version, norm, AttackSpec.twice(steps, advbench.SpecException.MAX_STEPS), targetClasses,
                    AttackSpec.twice(queries, 1_000_000), fastTargets, targets, auditSamples, auditNearest, auditTolerance, epsilons);
        }

        @Override
        public Attack build(long seed) {
            if (!version.equals("fast")) {
                return new AutoAttack(label, epsilonNorm(), attacksOf(version, epsilonNorm(), steps, targetClasses, queries, seed));
            }
            return new AutoAttack(label, epsilonNorm(), attacksOf(version, epsilonNorm(), steps, targetClasses, queries,
                    TargetOrder.parse(targets), fastTargets, seed), new Audit(2, auditSamples, auditNearest, auditTolerance, seed));
        }
    }
}
