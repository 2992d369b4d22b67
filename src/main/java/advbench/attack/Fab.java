package advbench.attack;

import advbench.model.Classifier;
import ai.djl.ndarray.NDArray;
import java.util.Arrays;
import java.util.List;

/**
 * FAB, the Fast Adaptive Boundary attack (Croce and Hein, 2020) as AutoAttack runs it
 * (fra31/auto-attack, fab_base.py): a minimum-norm attack. FAB-T (the standard ensemble's) is
 * targeted: each step linearises the difference of the target's and the true class's logits;
 * untargeted FAB ({@code plus}) linearises every class's difference with the true class and takes
 * the one whose boundary is nearest (|f_k - f_y| / ||grad f_k - grad f_y||, in the dual norm),
 * which costs one backward pass per class. The step projects both the
 * current point and the clean image onto that hyperplane (within the box), and moves to a mix of
 * the two projections with overshoot eta = 1.05, weighted towards the clean image by at most
 * alpha_max = 0.1; once a point is adversarial it is pulled back towards the clean image by
 * beta = 0.9, so the search walks along the boundary to smaller perturbations. The target is the
 * class ranked 2nd, 3rd, ... by the clean logits, one run per target class on the samples no
 * earlier one fooled; a sample counts as fooled if the smallest adversarial point found is within
 * eps (any misclassification, as in AutoAttack).
 *
 * <p>The first run starts at the clean image; untargeted restarts after it start at a random
 * point at distance eps / 2, as in the reference (FAB-T has one run per target and no random
 * start). Where the
 * reference returns the smallest adversarial point of the whole run, this returns the first one
 * within eps, which decides the sample as well; so a sample may stop there (the goal's
 * earlyStop) without changing any result, and the attack follows the same rule as every other.
 */
public final class Fab implements Attack {
    static final double ETA = 1.05;
    static final double BETA = 0.9;
    static final double ALPHA_MAX = 0.1;

    private final String name;
    private final Norm norm;
    private final int steps;
    private final int targetClasses;
    private final int restarts;
    private final long seed;
    private final TargetOrder order;

    /** FAB-T: one run per target class (the classes ranked 2nd, 3rd, ... by the clean logits). */
    public Fab(String name, Norm norm, int steps, int targetClasses) {
        this(name, norm, steps, targetClasses, 1, 0);
    }

    /** FAB-T towards the first {@code targetClasses} classes of each sample's {@code order}. */
    public Fab(String name, Norm norm, int steps, int targetClasses, TargetOrder order) {
        this(name, norm, steps, targetClasses, 1, 0, order);
    }

    /**
     * @param targetClasses 0 for untargeted FAB, else FAB-T with that many target classes
     * @param restarts untargeted runs; all but the first start at a random point
     */
    public Fab(String name, Norm norm, int steps, int targetClasses, int restarts, long seed) {
        this(name, norm, steps, targetClasses, restarts, seed, TargetOrder.LOGIT);
    }

    private Fab(String name, Norm norm, int steps, int targetClasses, int restarts, long seed, TargetOrder order) {
        if (steps < 1 || targetClasses < 0 || restarts < 1 || (targetClasses > 0 && restarts != 1)) {
            throw new IllegalArgumentException(name + ": steps and restarts must be at least 1, and FAB-T has one run per target");
        }
        this.name = name;
        this.norm = norm;
        this.steps = steps;
        this.targetClasses = targetClasses;
        this.restarts = restarts;
        this.seed = seed;
        this.order = order;
    }

    /** For FAB-T, the order its targets come in (null for untargeted FAB). */
    public TargetOrder targetOrder() {
        return targetClasses > 0 ? order : null;
    }

    /** FAB-T over a whole batch of a sweep: the order computed once for the batch, not for each target's run. */
    @Override
    public Bound bind(Classifier model, Batch batch, Goal goal) {
        Batch ordered = targetClasses > 0 && batch.targetOrder(order) == null ? batch.withTargetOrder(order, order.of(model, batch, norm)) : batch;
        return Attack.super.bind(model, ordered, goal);
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

    /** One run per target class (or per restart), each on the samples still robust. */
    @Override
    public int restarts() {
        return targetClasses > 0 ? targetClasses : restarts;
    }

    @Override
    public Adversarial attack(Classifier model, Batch batch, Goal goal, double eps) {
        Attack.checkEpsilon(name, eps);
        if (eps == 0) {
            return Attack.unperturbed(model, batch, goal);
        }
        NDArray images = batch.images();
        int n = batch.size();
        int d = batch.pixelsPerImage();
        int classes = model.shape().classes();
        int[] labels = goal.labels();
        float[] x = images.toFloatArray();
        float[] clean;
        try (NDArray z = model.logits(images)) {
            clean = z.toFloatArray();
        }
        boolean targeted = targetClasses > 0;
        // the clean logits are at hand: the reference's order by logit costs no pass of its own
        int[][] ranked = !targeted ? null : order == TargetOrder.LOGIT && batch.targetOrder(order) == null
                ? TargetOrder.byLogit(clean, classes, labels) : order.of(model, batch, norm);
        int[] predicted = new int[n];
        int[] target = new int[n];
        float[] result = x.clone();
        double[] best = new double[n];
        Arrays.fill(best, Double.POSITIVE_INFINITY);
        int[] bestPredicted = new int[n];
        float[] bestPoint = new float[n * d];
        boolean[] open = new boolean[n];
        for (int i = 0; i < n; i++) {
            predicted[i] = LogitRanks.argMax(clean, classes, i);
            target[i] = targeted ? ranked[i][Math.min(batch.drawOf(i), ranked[i].length - 1)] : -1;
            open[i] = predicted[i] == labels[i] && target[i] != labels[i]; // FAB attacks the correctly classified only
        }
        float[] x1 = targeted ? x.clone() : randomStarts(x, batch, eps);
        for (int it = 0; it < steps; it++) {
            int[] rows = Rows.where(open);
            if (rows.length == 0) {
                break;
            }
            // the linearised boundary between the target (or the nearest class) and the true class at x1
            FabBoundaries.Boundary[] planes = targetClasses > 0 ? FabBoundaries.targeted(model, images, x1, rows, labels, target, classes, d)
                    : FabBoundaries.nearest(model, images, x1, rows, labels, classes, d, norm);
            // each sample's projections touch only its own row: spread over the cores while the model waits
            java.util.stream.IntStream.range(0, rows.length).parallel().forEach(j -> step(x, x1, rows[j] * d, planes[j], d));
            check(Rows.predict(model, images, x1, rows, d), rows, x, x1, labels, eps, best, bestPredicted, bestPoint, open, goal, d);
        }
        for (int i = 0; i < n; i++) {
            if (best[i] <= eps) {
                System.arraycopy(bestPoint, i * d, result, i * d, d);
                predicted[i] = bestPredicted[i];
            }
        }
        NDArray out = images.getManager().create(result, images.getShape());
        return Adversarial.of(eps, out, predicted, goal);
    }

    /**
     * The reference's check after a move: a misclassified point is recorded if it is the first
     * within eps, and pulled back towards the clean image by beta; with the goal's earlyStop a
     * decided sample is closed.
     */
    private void check(int[] now, int[] rows, float[] x, float[] x1, int[] labels, double eps, double[] best, int[] bestPredicted,
                        float[] bestPoint, boolean[] open, Goal goal, int d) {
        for (int j = 0; j < rows.length; j++) {
            int i = rows[j];
            if (now[j] == labels[i]) {
                continue;
            }
            double dist = distance(x1, x, i * d, d);
            if (dist <= eps && best[i] > eps) {
                // the first adversarial point within eps decides the sample (later ones would only be smaller)
                best[i] = dist;
                bestPredicted[i] = now[j];
                System.arraycopy(x1, i * d, bestPoint, i * d, d);
            }
            for (int k = i * d; k < (i + 1) * d; k++) {
                x1[k] = (float) (x[k] + (x1[k] - x[k]) * BETA);
            }
            if (best[i] <= eps && goal.earlyStop()) {
                open[i] = false;
            }
        }
    }

    /** One FAB step of the sample at {@code offset}: project x1 and x onto the boundary, move x1 to their mix. */
    private void step(float[] x, float[] x1, int offset, FabBoundaries.Boundary boundary, int d) {
        double[] d1 = project(x1, offset, boundary.w(), boundary.b());
        double[] d2 = project(x, offset, boundary.w(), boundary.b());
        double a1 = Math.max(size(d1), 1e-8);
        double a2 = Math.max(size(d2), 1e-8);
        double alpha = Math.min(Math.max(a1 / (a1 + a2), 0), ALPHA_MAX);
        for (int k = 0; k < d; k++) {
            int at = offset + k;
            double v = (x1[at] + ETA * d1[k]) * (1 - alpha) + (x[at] + ETA * d2[k]) * alpha;
            x1[at] = (float) Math.max(0, Math.min(1, v));
        }
    }

    /**
     * Untargeted FAB's starts: the clean image for a row's first run (draw 0), else x plus a random
     * direction scaled to eps / 2 in the attack's norm, clipped: the reference's start for restarts.
     */
    private float[] randomStarts(float[] x, Batch batch, double eps) {
        int d = batch.pixelsPerImage();
        float[] start = x.clone();
        for (int i = 0; i < batch.size(); i++) {
            if (batch.drawOf(i) == 0) {
                continue;
            }
            java.util.SplittableRandom random = new java.util.SplittableRandom(SampleSeeds.of(seed, batch.sampleIds()[i], 0xfabL + batch.drawOf(i)));
            double[] t = new double[d];
            double size = 0;
            for (int k = 0; k < d; k++) {
                t[k] = norm == Norm.LINF ? random.nextDouble(-1.0, 1.0) : random.nextGaussian();
                size = norm == Norm.LINF ? Math.max(size, Math.abs(t[k])) : size + t[k] * t[k];
            }
            double scale = eps / 2 / (norm == Norm.LINF ? size : Math.sqrt(size));
            for (int k = 0; k < d; k++) {
                start[i * d + k] = (float) Math.max(0, Math.min(1, x[i * d + k] + t[k] * scale));
            }
        }
        return start;
    }

    private double[] project(float[] t, int offset, double[] w, double b) {
        return norm == Norm.LINF ? HyperplaneProjection.linf(t, offset, w, b) : HyperplaneProjection.l2(t, offset, w, b);
    }

    private double size(double[] v) {
        double s = 0;
        for (double e : v) {
            s = norm == Norm.LINF ? Math.max(s, Math.abs(e)) : s + e * e;
        }
        return norm == Norm.LINF ? s : Math.sqrt(s);
    }

    // Not Norm.distance: that one subtracts in double, this one in float (as FAB always has), and
    // the minimal norms FAB reports would move in their last digit with the other.
    private double distance(float[] a, float[] b, int offset, int d) {
        double s = 0;
        for (int k = offset; k < offset + d; k++) {
            double e = a[k] - b[k];
            s = norm == Norm.LINF ? Math.max(s, Math.abs(e)) : s + e * e;
        }
        return norm == Norm.LINF ? s : Math.sqrt(s);
    }

    /**
     * {@code type: fab}: FAB-T as in AutoAttack's standard ensemble, 100 steps, 9 target classes;
     * with {@code targeted: false}, untargeted FAB as in its plus version (add {@code restarts: 5}).
     */
    public record Spec(String label, String norm, Integer steps, Boolean targeted, Integer targetClasses, Integer restarts,
                       String targets, List<Double> epsilons) implements AttackSpec {
        static final String TYPE = "fab";

        public Spec {
            Norm n = ParamChecks.norm(TYPE, norm);
            norm = n == Norm.L2 ? "l2" : "linf";
            steps = ParamChecks.steps(TYPE, steps, 100);
            targeted = targeted == null || targeted;
            if (!targeted && targetClasses != null) {
                throw new advbench.SpecException("target_classes", TYPE + ": target_classes is for the targeted version; untargeted FAB"
                        + " (targeted: false) takes the nearest class at every step");
            }
            if (targeted && restarts != null && restarts != 1) {
                throw new advbench.SpecException("restarts", TYPE + ": FAB-T runs once per target class; restarts are for untargeted FAB"
                        + " (targeted: false)");
            }
            targetClasses = !targeted ? null : targetClasses == null ? 9 : targetClasses;
            if (targetClasses != null && (targetClasses < 1 || targetClasses > 999)) {
                throw new advbench.SpecException("target_classes", TYPE + " target_classes must be at least 1 and at most 999, got "
                        + targetClasses);
            }
            restarts = ParamChecks.restarts(TYPE, restarts);
            if (!targeted && targets != null) {
                throw new advbench.SpecException("targets", TYPE + ": targets (the order of target classes) is for the targeted version;"
                        + " untargeted FAB (targeted: false) takes the nearest class at every step");
            }
            targets = targeted ? ParamChecks.targetOrder(TYPE, targets) : null;
            label = ParamChecks.label(label, "FAB" + (n == Norm.L2 ? "-L2" : "") + (targeted ? "-T" : "") + (steps != 100 ? "-" + steps : "")
                    + (restarts > 1 ? "x" + restarts : "") + (targeted && targetClasses != 9 ? " (" + targetClasses + " targets)" : "")
                    + (targeted ? ParamChecks.targetOrderSuffix(targets) : ""));
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
            if (targetClasses != null && targetClasses > shape.classes() - 1) {
                throw new advbench.SpecException("target_classes", targetClasses + " target classes, but the data has only "
                        + (shape.classes() - 1) + " classes besides the true one");
            }
        }

        @Override
        public AttackSpec twiceTheSteps() {
            return new Spec(label, norm, AttackSpec.twice(steps, advbench.SpecException.MAX_STEPS), targeted, targetClasses, restarts, targets,
                    epsilons);
        }

        @Override
        public Attack build(long seed) {
            return targetClasses == null ? new Fab(label, epsilonNorm(), steps, 0, restarts, seed)
                    : new Fab(label, epsilonNorm(), steps, targetClasses, TargetOrder.parse(targets));
        }
    }
}
