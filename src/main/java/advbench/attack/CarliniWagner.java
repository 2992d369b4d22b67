package advbench.attack;

import advbench.model.Classifier;
import advbench.model.Scalars;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.List;

/**
 * Carlini-Wagner L2 (IEEE S&amp;P 2017), a minimum-norm attack, as the authors' code and Foolbox 3
 * run it. The image is written x' = (tanh(w + delta) + 1) / 2 with w = atanh((2x - 1) * 0.999999),
 * so the box needs no clipping, and Adam (step size {@code learningRate}) minimises over delta
 *
 * <pre>  ||x' - x_rec||_2^2 + c * max(0, z_y - max_{j != y} z_j + kappa)</pre>
 *
 * (x_rec the image delta = 0 gives, within 1e-6 of x). A binary search over the constant c, from
 * {@code initialConst}, halves the interval when the attack succeeded with c and multiplies c by 10
 * while it never has; each of its {@code binarySteps} steps starts again from delta = 0 with a fresh
 * Adam. The smallest misclassified point seen at any step is the result.
 *
 * <p>One deliberate difference: the early abort (every tenth of the steps, stop when the loss did
 * not fall by 0.01%) is decided per sample, where Foolbox and the original decide it for the
 * summed loss of the whole batch; that made a sample's result depend on which others shared its
 * batch, which a minimum-norm search must not (see {@link MinimumNorm#search}).
 *
 * <p>Cost: with the defaults (9 binary steps of up to 10,000 Adam steps) between 9,009 and 90,000
 * forward and backward passes per sample, a hundred times FMN's; give {@code steps: 1000} (as
 * AttackBench does) for a tenth of that.
 */
public final class CarliniWagner extends MinimumNorm {
    private final String name;
    private final int binarySteps;
    private final int steps;
    private final double learningRate;
    private final double confidence;
    private final double initialConst;
    private final boolean abortEarly;

    /** What tanh-space maps the box to: not quite [-1, 1], so that atanh of a 0 or 1 pixel is finite. */
    static final double SQUEEZE = 0.999999;

    public CarliniWagner(String name, int binarySteps, int steps, double learningRate, double confidence, double initialConst,
                         boolean abortEarly) {
        if (binarySteps < 1 || steps < 1 || !(learningRate > 0) || !(confidence >= 0) || !(initialConst > 0)) {
            throw new IllegalArgumentException(name + ": binary steps and steps at least 1, learning rate and constant above 0");
        }
        this.name = name;
        this.binarySteps = binarySteps;
        this.steps = steps;
        this.learningRate = learningRate;
        this.confidence = confidence;
        this.initialConst = initialConst;
        this.abortEarly = abortEarly;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public Norm norm() {
        return Norm.L2;
    }

    /**
     * The binary search's next constant for one sample: {c, lower, upper} updated in place after a
     * binary step that did or did not find an adversarial point. Upper starts at +inf.
     */
    static void nextConstant(double[] state, boolean succeeded) {
        double c = state[0];
        if (succeeded) {
            state[2] = Math.min(state[2], c);
        } else {
            state[1] = Math.max(state[1], c);
        }
        state[0] = Double.isInfinite(state[2]) ? c * 10 : (state[1] + state[2]) / 2;
    }

    @Override
    protected Found search(Classifier model, Batch batch, Goal goal) {
        NDArray images = batch.images();
        int n = batch.size();
        int d = batch.pixelsPerImage();
        int classes = model.shape().classes();
        int[] labels = goal.labels();
        float[] x0 = images.toFloatArray();
        int[] cleanPredicted = model.predict(images);
        boolean[] cleanFooled = goal.success(cleanPredicted);
        int[] todo = Rows.where(Rows.not(cleanFooled));
        double[] w0 = new double[n * d];
        double[] xRec = new double[n * d];
        for (int k = 0; k < n * d; k++) {
            w0[k] = atanh((2.0 * x0[k] - 1) * SQUEEZE);
            xRec[k] = (Math.tanh(w0[k]) + 1) / 2;
        }
        float[] best = x0.clone();
        double[] bestNorm = new double[n];
        java.util.Arrays.fill(bestNorm, Double.POSITIVE_INFINITY);
        int[] predicted = cleanPredicted.clone();
        double[][] constants = new double[n][];
        for (int i = 0; i < n; i++) {
            constants[i] = new double[] {initialConst, 0, Double.POSITIVE_INFINITY};
        }
        float[] point = new float[n * d];
        double[] delta = new double[n * d];
        double[] mean = new double[n * d];
        double[] var = new double[n * d];
        int checkEvery = (steps + 9) / 10;
        for (int bs = 0; bs < binarySteps && todo.length > 0; bs++) {
            java.util.Arrays.fill(delta, 0);
            java.util.Arrays.fill(mean, 0);
            java.util.Arrays.fill(var, 0);
            boolean[] succeeded = new boolean[n];
            double[] previous = new double[n];
            java.util.Arrays.fill(previous, Double.POSITIVE_INFINITY);
            boolean[] open = new boolean[n];
            for (int i : todo) {
                open[i] = true;
            }
            for (int step = 0; step < steps; step++) {
                int[] rows = Rows.where(open);
                if (rows.length == 0) {
                    break;
                }
                for (int i : rows) {
                    for (int k = i * d; k < (i + 1) * d; k++) {
                        point[k] = (float) ((Math.tanh(w0[k] + delta[k]) + 1) / 2);
                    }
                }
                float[] c = new float[rows.length];
                for (int j = 0; j < rows.length; j++) {
                    c[j] = (float) constants[rows[j]][0];
                }
                float[] g;
                float[] z;
                double[] margins;
                try (NDManager scope = images.getManager().newSubManager()) {
                    NDArray weights = scope.create(c, new Shape(rows.length));
                    int[] own = Rows.pick(labels, rows);
                    Classifier.Gradient grad = model.gradientOf(Rows.images(scope, images, point, rows, d),
                            logits -> hinge(logits, own, weights));
                    grad.gradient().attach(scope);
                    grad.logits().attach(scope);
                    g = grad.gradient().toFloatArray();
                    z = grad.logits().toFloatArray();
                    margins = Loss.marginsOnHost(grad.logits(), own);
                }
                for (int j = 0; j < rows.length; j++) {
                    int i = rows[j];
                    double margin = margins[j];
                    double distance = 0;
                    for (int k = i * d; k < (i + 1) * d; k++) {
                        double e = point[k] - xRec[k];
                        distance += e * e;
                    }
                    double loss = distance + c[j] * Math.max(0, margin + confidence);
                    adamStep(g, j * d, i * d, d, step + 1, xRec, point, delta, mean, var);
                    if (abortEarly && step % checkEvery == 0) {
                        if (!(loss <= 0.9999 * previous[i])) { // no progress since the last check: this binary step is over
                            open[i] = false;
                            continue;
                        }
                        previous[i] = loss;
                    }
                    // the point this step's logits are of (the Adam step above moved delta, not it)
                    int top = LogitRanks.argMax(z, classes, j);
                    if (confidence == 0 ? top != labels[i] : margin + confidence < 0) {
                        succeeded[i] = true;
                        double norm = Norm.L2.distance(point, x0, i * d, d);
                        if (norm < bestNorm[i]) {
                            bestNorm[i] = norm;
                            predicted[i] = top;
                            System.arraycopy(point, i * d, best, i * d, d);
                        }
                    }
                }
            }
            for (int i : todo) {
                nextConstant(constants[i], succeeded[i]);
            }
        }
        double[] norms = new double[n];
        for (int i = 0; i < n; i++) {
            norms[i] = cleanFooled[i] ? 0 : bestNorm[i];
        }
        return new Found(best, norms, predicted, cleanPredicted);
    }

    /**
     * One Adam step (beta 0.9 and 0.999, epsilon 1e-8, bias-corrected at step t) on sample i's
     * delta, for the gradient of the whole objective: the model's part {@code g} (with respect to
     * the image) plus that of the squared distance, through the tanh (dx'/d delta = (1 - tanh^2) / 2).
     */
    private void adamStep(float[] g, int gAt, int at, int d, int t, double[] xRec, float[] point, double[] delta, double[] mean,
                          double[] var) {
        double correct1 = 1 - Math.pow(0.9, t);
        double correct2 = 1 - Math.pow(0.999, t);
        for (int e = 0; e < d; e++) {
            int k = at + e;
            double tanh = 2.0 * point[k] - 1;
            double grad = (2 * (point[k] - xRec[k]) + g[gAt + e]) * (1 - tanh * tanh) / 2;
            mean[k] = 0.9 * mean[k] + 0.1 * grad;
            var[k] = 0.999 * var[k] + 0.001 * grad * grad;
            delta[k] -= learningRate * (mean[k] / correct1) / (Math.sqrt(var[k] / correct2) + 1e-8);
        }
    }

    /** c * max(0, z_y - max_{j != y} z_j + kappa), summed: the classification part of the objective. */
    private NDArray hinge(NDArray logits, int[] labels, NDArray weights) {
        return Scalars.positivePart(Loss.ownMargin(logits, labels).add((float) confidence)).mul(weights).sum();
    }

    private static double atanh(double v) {
        return 0.5 * Math.log((1 + v) / (1 - v));
    }

    /**
     * {@code type: cw}: the paper's defaults, 9 binary search steps of 10,000 Adam steps at learning
     * rate 0.01, confidence 0, initial constant 0.001, early abort on; L2 only.
     */
    public record Spec(String label, String norm, Integer binarySteps, Integer steps, Double learningRate, Double confidence,
                       Double initialConst, Boolean abortEarly, List<Double> epsilons) implements AttackSpec {
        static final String TYPE = "cw";

        public Spec {
            if (norm != null && ParamChecks.normOrL1(TYPE, norm) != Norm.L2) {
                throw new advbench.SpecException("norm", TYPE + " is an L2 attack; norm must be l2 (or left out), got '" + norm + "'");
            }
            norm = "l2";
            binarySteps = binarySteps == null ? 9 : binarySteps;
            if (binarySteps < 1 || binarySteps > 100) {
                throw new advbench.SpecException("binary_steps", TYPE + " binary_steps must be 1 to 100, got " + binarySteps);
            }
            steps = ParamChecks.steps(TYPE, steps, 10000);
            learningRate = learningRate == null ? 0.01 : learningRate;
            if (!(learningRate > 0 && learningRate <= 100)) {
                throw new advbench.SpecException("learning_rate", TYPE + " learning_rate must be above 0 and at most 100, got " + learningRate);
            }
            confidence = confidence == null ? 0.0 : confidence;
            if (!(confidence >= 0 && confidence <= 1e6)) {
                throw new advbench.SpecException("confidence", TYPE + " confidence (kappa) must be at least 0 and at most 1e6, got " + confidence);
            }
            initialConst = initialConst == null ? 1e-3 : initialConst;
            if (!(initialConst > 0 && initialConst <= 1e6)) {
                throw new advbench.SpecException("initial_const", TYPE + " initial_const must be above 0 and at most 1e6, got " + initialConst);
            }
            abortEarly = abortEarly == null || abortEarly;
            label = ParamChecks.label(label, "CW-L2" + (steps != 10000 ? "-" + steps : "") + (binarySteps != 9 ? "x" + binarySteps : "")
                    + (confidence != 0 ? "-k" + confidence : ""));
            epsilons = ParamChecks.epsilons(epsilons, Norm.L2, "epsilons");
        }

        @Override
        public Object target() {
            return null;
        }

        @Override
        public Norm epsilonNorm() {
            return Norm.L2;
        }

        @Override
        public AttackSpec twiceTheSteps() {
            return new Spec(label, norm, binarySteps, AttackSpec.twice(steps, advbench.SpecException.MAX_STEPS), learningRate, confidence, initialConst, abortEarly, epsilons);
        }

        @Override
        public Attack build(long seed) {
            return new CarliniWagner(label, binarySteps, steps, learningRate, confidence, initialConst, abortEarly);
        }
    }
}
