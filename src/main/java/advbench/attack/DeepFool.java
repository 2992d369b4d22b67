package advbench.attack;

import advbench.model.Classifier;
import ai.djl.ndarray.NDArray;
import java.util.List;

/**
 * DeepFool (Moosavi-Dezfooli et al., 2016), a minimum-norm attack, as Foolbox 3 runs it: at each
 * step it linearises, around the current point, the boundary between the top clean class and each
 * of the other {@code candidates} classes ranked highest by the clean logits, takes the nearest
 * (|z_k - z_0| / ||grad (z_k - z_0)||, in the dual norm), and adds the step that reaches it (plus
 * 1e-4) to the total perturbation; the point is the clean image plus (1 + overshoot) times the
 * total, clipped to the box. A sample stops at its first misclassified point, which is its
 * result; after {@code steps} steps without one it is not found.
 */
public final class DeepFool extends MinimumNorm {
    private final String name;
    private final Norm norm;
    private final int steps;
    private final int candidates;
    private final double overshoot;

    public DeepFool(String name, Norm norm, int steps, int candidates, double overshoot) {
        if (steps < 1 || candidates < 2 || !(overshoot >= 0)) {
            throw new IllegalArgumentException(name + ": steps at least 1, candidates at least 2, overshoot at least 0");
        }
        this.name = name;
        this.norm = norm;
        this.steps = steps;
        this.candidates = candidates;
        this.overshoot = overshoot;
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
    protected Found search(Classifier model, Batch batch, Goal goal) {
        NDArray images = batch.images();
        int n = batch.size();
        int d = batch.pixelsPerImage();
        int classes = model.shape().classes();
        int k = Math.min(candidates, classes);
        int[] labels = goal.labels();
        float[] x0 = images.toFloatArray();
        float[] clean;
        try (NDArray z = model.logits(images)) {
            clean = z.toFloatArray();
        }
        int[] cleanPredicted = new int[n];
        int[][] ranked = new int[n][k];
        boolean[] open = new boolean[n];
        for (int i = 0; i < n; i++) {
            cleanPredicted[i] = LogitRanks.argMax(clean, classes, i);
            for (int r = 0; r < k; r++) {
                ranked[i][r] = LogitRanks.ranked(clean, classes, i, r + 1);
            }
            open[i] = cleanPredicted[i] == labels[i];
        }
        float[] x = x0.clone();
        double[] total = new double[n * d];
        int[] predicted = cleanPredicted.clone();
        boolean[] fooled = new boolean[n];
        for (int step = 0; step <= steps; step++) {
            int[] rows = Rows.where(open);
            if (rows.length == 0) {
                break;
            }
            if (step == steps) { // the last step's point, checked as every earlier one was
                int[] now = Rows.predict(model, images, x, rows, d);
                for (int j = 0; j < rows.length; j++) {
                    fooled[rows[j]] = now[j] != labels[rows[j]];
                    predicted[rows[j]] = now[j];
                }
                break;
            }
            int[][] chosen = new int[rows.length][];
            for (int j = 0; j < rows.length; j++) {
                chosen[j] = ranked[rows[j]];
            }
            ClassGradients jacobian = ClassGradients.of(model, images, x, rows, d, chosen);
            for (int j = 0; j < rows.length; j++) {
                int i = rows[j];
                int top = 0;
                for (int c = 1; c < classes; c++) {
                    top = jacobian.logit(j, c) > jacobian.logit(j, top) ? c : top;
                }
                if (top != labels[i]) { // misclassified: this point is the result
                    fooled[i] = true;
                    predicted[i] = top;
                    open[i] = false;
                    continue;
                }
                stepTowardsNearest(jacobian, j, i, k, ranked[i], x0, x, total, d);
            }
        }
        double[] norms = new double[n];
        for (int i = 0; i < n; i++) {
            norms[i] = cleanPredicted[i] != labels[i] ? 0 : fooled[i] ? norm.distance(x, x0, i * d, d) : Double.POSITIVE_INFINITY;
        }
        return new Found(x, norms, predicted, cleanPredicted);
    }

    /** One DeepFool step of sample i (taken row j): the nearest linearised boundary, reached with 1e-4 to spare. */
    private void stepTowardsNearest(ClassGradients jacobian, int j, int i, int k, int[] ranked, float[] x0, float[] x, double[] total, int d) {
        double nearest = Double.POSITIVE_INFINITY;
        int best = -1;
        double bestSize = 0;
        for (int c = 1; c < k; c++) {
            double loss = jacobian.logit(j, ranked[c]) - jacobian.logit(j, ranked[0]);
            double size = 0;
            for (int e = 0; e < d; e++) {
                double g = jacobian.gradient(j, c, e) - jacobian.gradient(j, 0, e);
                size += norm == Norm.LINF ? Math.abs(g) : g * g;
            }
            size = norm == Norm.LINF ? size : Math.sqrt(size);
            double distance = Math.abs(loss) / (size + 1e-8);
            if (distance < nearest) {
                nearest = distance;
                best = c;
                bestSize = size;
            }
        }
        double reach = nearest + 1e-4;
        for (int e = 0; e < d; e++) {
            double g = jacobian.gradient(j, best, e) - jacobian.gradient(j, 0, e);
            total[i * d + e] += norm == Norm.LINF ? reach * Math.signum(g) : reach / (bestSize + 1e-8) * g;
            double v = x0[i * d + e] + (1 + overshoot) * total[i * d + e];
            x[i * d + e] = (float) Math.max(0, Math.min(1, v));
        }
    }

    /** {@code type: deepfool}: Foolbox's defaults, 50 steps, 10 candidate classes, overshoot 0.02; L-inf or L2. */
    public record Spec(String label, String norm, Integer steps, Integer candidates, Double overshoot, List<Double> epsilons)
            implements AttackSpec {
        static final String TYPE = "deepfool";

        public Spec {
            Norm n = ParamChecks.norm(TYPE, norm);
            norm = n == Norm.L2 ? "l2" : "linf";
            steps = ParamChecks.steps(TYPE, steps, 50);
            candidates = candidates == null ? 10 : candidates;
            if (candidates < 2 || candidates > 1000) {
                throw new advbench.SpecException("candidates", TYPE + " candidates must be at least 2 and at most 1000, got " + candidates);
            }
            overshoot = overshoot == null ? 0.02 : overshoot;
            if (!(overshoot >= 0 && overshoot <= 10)) {
                throw new advbench.SpecException("overshoot", TYPE + " overshoot must be in [0, 10], got " + overshoot);
            }
            label = ParamChecks.label(label, "DeepFool" + (n == Norm.L2 ? "-L2" : "") + (steps != 50 ? "-" + steps : ""));
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
        public AttackSpec twiceTheSteps() {
            return new Spec(label, norm, AttackSpec.twice(steps, advbench.SpecException.MAX_STEPS), candidates, overshoot, epsilons);
        }

        @Override
        public Attack build(long seed) {
            return new DeepFool(label, epsilonNorm(), steps, candidates, overshoot);
        }
    }
}
