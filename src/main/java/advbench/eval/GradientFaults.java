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
                for (int i = 0; i < to - from; i++) {
                    boolean allZero = true;
                    boolean finite = true;
                    for (int k = i * d; k < (i + 1) * d; k++) {
                        allZero &= g[k] == 0f;
                        finite &= Float.isFinite(g[k]);
                    }
                    zero[from + i] = allZero;
                    nonFinite[from + i] = !finite;
                }
            }
        }
        return new GradientFaults(zero, nonFinite);
    }

    int count(boolean[] which) {
        int c = 0;
        for (boolean b : which) {
            c += b ? 1 : 0;
        }
        return c;
    }
}
