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

    public AutoAttack(String name, Norm norm, List<Attack> attacks) {
        if (attacks.isEmpty()) {
            throw new IllegalArgumentException(name + ": an ensemble needs at least one attack");
        }
        for (Attack a : attacks) {
            if (a.norm() != norm || a.target() != null) {
                throw new IllegalArgumentException(name + ": its attacks must be untargeted and in " + norm.label() + ", not " + a.name());
            }
        }
        this.name = name;
        this.norm = norm;
        this.attacks = List.copyOf(attacks);
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

    /** "clean", then the attacks' names: what {@link Adversarial#stages} counts from. */
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
            for (int k = 0; k < attacks.size(); k++) {
                Attack a = attacks.get(k);
                for (int r = 0; r < a.restarts(); r++) {
                    int[] open = Rows.where(Rows.not(decided));
                    if (open.length == 0) {
                        break;
                    }
                    Adversarial adv;
                    try (Batch part = batch.select(open)) {
                        adv = a.attack(model, part.withDraw(r), goal.select(open), eps);
                    }
                    try (NDArray images = adv.images()) {
                        keep(images, adv, open, k + 1, result, predicted, stage, decided, d);
                    }
                }
            }
        }
        NDManager owner = batch.images().getManager();
        NDArray images = owner.create(result, batch.images().getShape());
        return new Adversarial(eps, images, predicted, null, decided.clone(), n, stage);
    }

    /**
     * Takes an attack's results for the samples it decided (and, for the others, its last
     * attempt, so an undecided sample shows the strongest attack's final point).
     */
    private static void keep(NDArray images, Adversarial adv, int[] open, int stageNumber, float[] result, int[] predicted, int[] stage,
                             boolean[] decided, int d) {
        float[] pixels = images.toFloatArray();
        for (int j = 0; j < open.length; j++) {
            int i = open[j];
            System.arraycopy(pixels, j * d, result, i * d, d);
            predicted[i] = adv.predicted()[j];
            if (adv.success()[j]) {
                decided[i] = true;
                stage[i] = stageNumber;
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
        String n = norm == Norm.L2 ? "-L2" : "";
        Attack apgdT = Apgd.targeted("APGD" + n + "-T", norm, steps, 1, targetClasses, seed);
        Attack fabT = new Fab("FAB" + n + "-T", norm, steps, targetClasses);
        Attack square = new Square("Square" + n, norm, queries, 0.8, 1, seed);
        return switch (version) {
            case "standard" -> List.of(new Apgd("APGD" + n + "-CE", norm, steps, 1, Loss.crossEntropy(), seed, 1), apgdT, fabT, square);
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
                       List<Double> epsilons) implements AttackSpec {
        static final String TYPE = "autoattack";
        static final List<String> VERSIONS = List.of("standard", "plus", "rand");

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
            return new Spec(label, version, norm, AttackSpec.twice(steps, advbench.SpecException.MAX_STEPS), targetClasses, AttackSpec.twice(queries, 1_000_000), epsilons);
        }

        @Override
        public Attack build(long seed) {
            return new AutoAttack(label, epsilonNorm(), attacksOf(version, epsilonNorm(), steps, targetClasses, queries, seed));
        }
    }
}
