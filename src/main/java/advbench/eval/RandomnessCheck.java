package advbench.eval;

import advbench.data.LabeledImages;
import advbench.model.Classifier;
import advbench.model.ImageBatch;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;

/**
 * AutoAttack's check_randomized: the model is randomised when {@link #FORWARDS} forwards of the
 * first test images (at most {@link #IMAGES}) give different numbers of correct predictions, or
 * logits (each row scaled to unit length) that differ by more than 1e-4. Gradient attacks on such
 * a model need expectation over transformation; its accuracies vary from forward to forward.
 */
final class RandomnessCheck {
    private RandomnessCheck() {}

    static final int FORWARDS = 5;
    static final int IMAGES = 250;
    static final double TOLERANCE = 1e-4;

    static boolean repeatedForwardsDiffer(Classifier model, LabeledImages test, int batchSize) {
        int n = Math.min(Math.min(IMAGES, batchSize), test.count());
        if (n == 0) {
            return false;
        }
        int classes = model.shape().classes();
        try (NDManager scope = model.manager().newSubManager()) {
            NDArray x = ImageBatch.of(scope, test, 0, n);
            float[][] rows = new float[FORWARDS][];
            int[] correct = new int[FORWARDS];
            for (int f = 0; f < FORWARDS; f++) {
                int[] predicted;
                try (NDArray z = model.logits(x)) {
                    rows[f] = z.toFloatArray();
                    predicted = Classifier.argMax(z);
                }
                for (int i = 0; i < n; i++) {
                    correct[f] += predicted[i] == test.labels()[i] ? 1 : 0;
                }
                unitRows(rows[f], classes);
            }
            for (int f = 0; f < FORWARDS; f++) {
                if (correct[f] != correct[FORWARDS - 1]) {
                    return true;
                }
                for (int e = f + 1; e < FORWARDS; e++) {
                    if (maxRowDistance(rows[f], rows[e], classes) > TOLERANCE) {
                        return true;
                    }
                }
            }
            return false;
        }
    }

    private static void unitRows(float[] z, int classes) {
        for (int r = 0; r < z.length / classes; r++) {
            double norm = 0;
            for (int c = 0; c < classes; c++) {
                norm += (double) z[r * classes + c] * z[r * classes + c];
            }
            norm = Math.sqrt(norm) + 1e-10;
            for (int c = 0; c < classes; c++) {
                z[r * classes + c] /= (float) norm;
            }
        }
    }

    private static double maxRowDistance(float[] a, float[] b, int classes) {
        double max = 0;
        for (int r = 0; r < a.length / classes; r++) {
            double s = 0;
            for (int c = 0; c < classes; c++) {
                double d = a[r * classes + c] - b[r * classes + c];
                s += d * d;
            }
            max = Math.max(max, Math.sqrt(s));
        }
        return max;
    }
}
