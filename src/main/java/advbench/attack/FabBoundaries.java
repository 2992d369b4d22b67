package advbench.attack;

import advbench.model.Classifier;
import advbench.model.CrossEntropy;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;

/**
 * FAB's linearised decision boundaries at the current points: for FAB-T the boundary between the
 * target and the true class (one backward pass), for untargeted FAB the nearest of every other
 * class's (one pass over the images repeated once per class, {@link ClassGradients}).
 */
final class FabBoundaries {
    private FabBoundaries() {}

    /** The hyperplane {z : <w, z> = b}: the linearisation f(x1) + <grad f, z - x1> = 0 of a logit difference f at x1. */
    record Boundary(double[] w, double b) {
        static Boundary of(double df, float[] grad, int gradOffset, float[] x1, int x1Offset, int d) {
            double[] w = new double[d];
            double b = -df;
            for (int k = 0; k < d; k++) {
                w[k] = grad[gradOffset + k];
                b += w[k] * x1[x1Offset + k];
            }
            return new Boundary(w, b);
        }
    }

    /** FAB-T: f = z_target - z_y, one backward pass. */
    static Boundary[] targeted(Classifier model, NDArray images, float[] x1, int[] rows, int[] labels, int[] target, int classes, int d) {
        float[] grad;
        float[] logits;
        try (NDManager scope = images.getManager().newSubManager()) {
            NDArray at = Rows.images(scope, images, x1, rows, d);
            int[] y = Rows.pick(labels, rows);
            int[] t = Rows.pick(target, rows);
            Classifier.Gradient g = model.gradientOf(at, z -> z.mul(CrossEntropy.oneHot(z.getManager(), t, classes))
                    .sub(z.mul(CrossEntropy.oneHot(z.getManager(), y, classes))).sum());
            g.gradient().attach(scope);
            g.logits().attach(scope);
            grad = g.gradient().toFloatArray();
            logits = g.logits().toFloatArray();
        }
        Boundary[] out = new Boundary[rows.length];
        for (int j = 0; j < rows.length; j++) {
            int i = rows[j];
            double df = logits[j * classes + target[i]] - logits[j * classes + labels[i]];
            out[j] = Boundary.of(df, grad, j * d, x1, i * d, d);
        }
        return out;
    }

    /**
     * Untargeted FAB: every class's gradient from one pass over each image repeated once per
     * class (copy k differentiates z_k), then the class k != y whose linearised boundary
     * f = z_k - z_y is nearest in the norm's dual (L1 for L-inf, L2 for L2).
     */
    static Boundary[] nearest(Classifier model, NDArray images, float[] x1, int[] rows, int[] labels, int classes, int d, Norm norm) {
        int m = rows.length;
        int[][] all = new int[m][classes];
        for (int[] row : all) {
            java.util.Arrays.setAll(row, k -> k);
        }
        ClassGradients jacobian = ClassGradients.of(model, images, x1, rows, d, all);
        Boundary[] out = new Boundary[m];
        for (int j = 0; j < m; j++) {
            int y = labels[rows[j]];
            double nearest = Double.POSITIVE_INFINITY;
            int pick = -1;
            for (int k = 0; k < classes; k++) {
                if (k == y) {
                    continue;
                }
                double dual = 0;
                for (int e = 0; e < d; e++) {
                    double g = jacobian.gradient(j, k, e) - jacobian.gradient(j, y, e);
                    dual += norm == Norm.LINF ? Math.abs(g) : g * g;
                }
                dual = norm == Norm.LINF ? dual : Math.sqrt(dual);
                double distance = Math.abs(jacobian.logit(j, k) - jacobian.logit(j, y)) / (1e-12 + dual);
                if (distance < nearest) {
                    nearest = distance;
                    pick = k;
                }
            }
            float[] dg = new float[d];
            for (int e = 0; e < d; e++) {
                dg[e] = jacobian.gradient(j, pick, e) - jacobian.gradient(j, y, e);
            }
            double df = jacobian.logit(j, pick) - jacobian.logit(j, y);
            out[j] = Boundary.of(df, dg, 0, x1, rows[j] * d, d);
        }
        return out;
    }
}
