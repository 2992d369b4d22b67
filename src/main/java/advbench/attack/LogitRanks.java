package advbench.attack;

/**
 * Ranks of classes by logits already copied to the host (row-major, {@code classes} per sample):
 * the predicted class, and the class ranked k-th, which APGD-T, FAB-T and DeepFool aim at.
 */
public final class LogitRanks {
    private LogitRanks() {}

    /** The predicted class of sample i: its largest logit (the first, on a tie, as libtorch's argmax). */
    static int argMax(float[] logits, int classes, int i) {
        int best = 0;
        for (int c = 1; c < classes; c++) {
            if (logits[i * classes + c] > logits[i * classes + best]) {
                best = c;
            }
        }
        return best;
    }

    /** The class ranked {@code k} by the logits of sample i (k = 1 the largest). */
    static int ranked(float[] logits, int classes, int i, int k) {
        return order(logits, classes, i)[k - 1];
    }

    /** The classes of sample i by decreasing logit; ties by class number, so the choice does not depend on the sort. */
    static int[] order(float[] logits, int classes, int i) {
        Integer[] order = new Integer[classes];
        for (int c = 0; c < classes; c++) {
            order[c] = c;
        }
        java.util.Arrays.sort(order, (a, b) -> {
            int byValue = Float.compare(logits[i * classes + b], logits[i * classes + a]);
            return byValue != 0 ? byValue : Integer.compare(a, b);
        });
        int[] out = new int[classes];
        for (int c = 0; c < classes; c++) {
            out[c] = order[c];
        }
        return out;
    }
}
