package advbench.eval;

import advbench.data.LabeledImages;
import advbench.model.Classifier;
import advbench.model.ImageBatch;
import ai.djl.ndarray.NDManager;

/**
 * Per image, whether the input gradient of the cross-entropy at the clean point is all zero or
 * not finite: where it is, a gradient attack has nothing to follow (a saturated softmax, a
 * non-differentiable layer, a numerical overflow).
 */
public record GradientFaults(boolean[] zero, boolean[] nonFinite) {

    public static GradientFaults of(Classifier model, LabeledImages images, int batchSize) {
        int n = images.count();
        int d = images.pixelsPerImage();
        boolean[] zero = new boolean[n];
        boolean[] nonFinite = new boolean[n];
        for (int from = 0; from < n; from += batchSize) {
            int to = Math.min(n, from + batchSize);
            try (NDManager scope = model.manager().newSubManager()) {
                float[] g = model.lossGradient(ImageBatch.of(scope, images, from, to), images.labelRange(from, to)).toFloatArray();
                mark(g, d, zero, nonFinite, from);
            }
        }
        return new GradientFaults(zero, nonFinite);
    }

    /** Marks the images of one batch's gradient {@code g} ({@code d} values each), the first at {@code offset}. */
    static void mark(float[] g, int d, boolean[] zero, boolean[] nonFinite, int offset) {
        for (int i = 0; i < g.length / d; i++) {
            boolean allZero = true;
            boolean finite = true;
            for (int k = i * d; k < (i + 1) * d; k++) {
                allZero &= g[k] == 0f;
                finite &= Float.isFinite(g[k]);
            }
            zero[offset + i] = allZero;
            nonFinite[offset + i] = !finite;
        }
    }

    int count(boolean[] which) {
        int c = 0;
        for (boolean b : which) {
            c += b ? 1 : 0;
        }
        return c;
    }
}
