package advbench.attack;

/**
 * Per-sample values of the attack losses, computed on the host from logits already copied there
 * (row-major, {@code classes} per sample). Attacks that keep per-sample bookkeeping (APGD's best
 * loss and step-size checkpoints, Square's acceptance test) need each sample's value, while the
 * gradient is taken of the sum on the device ({@link Loss}); both follow the same formulas.
 */
public final class LogitLosses {
    private LogitLosses() {}

    /** Cross-entropy of the label: logsumexp(z) - z_y. */
    public static double crossEntropy(float[] logits, int classes, int i, int label) {
        int at = i * classes;
        double max = Double.NEGATIVE_INFINITY;
        for (int c = 0; c < classes; c++) {
            max = Math.max(max, logits[at + c]);
        }
        double sum = 0;
        for (int c = 0; c < classes; c++) {
            sum += Math.exp(logits[at + c] - max);
        }
        return max + Math.log(sum) - logits[at + label];
    }

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

    /** Largest logit of any class but {@code label}. */
    static double maxOther(float[] logits, int classes, int i, int label) {
        double best = Double.NEGATIVE_INFINITY;
        for (int c = 0; c < classes; c++) {
            if (c != label) {
                best = Math.max(best, logits[i * classes + c]);
            }
        }
        return best;
    }

    /** z_y - max_{i != y} z_i: positive while the sample is classified correctly (Square's margin). */
    static double margin(float[] logits, int classes, int i, int label) {
        return logits[i * classes + label] - maxOther(logits, classes, i, label);
    }

    /** Sample i's logits in increasing order: the k-th largest is at {@code classes - k}. */
    private static float[] sortedRow(float[] logits, int classes, int i) {
        float[] row = java.util.Arrays.copyOfRange(logits, i * classes, (i + 1) * classes);
        java.util.Arrays.sort(row);
        return row;
    }

    /** -(z_y - max_{i != y} z_i) / (z_pi1 - z_pi3 + 1e-12). */
    static double dlr(float[] logits, int classes, int i, int label) {
        float[] z = sortedRow(logits, classes, i);
        return -margin(logits, classes, i, label) / ((double) z[classes - 1] - z[classes - 3] + 1e-12);
    }

    /** -(z_y - z_t) / (z_pi1 - (z_pi3 + z_pi4) / 2 + 1e-12). */
    static double dlrTargeted(float[] logits, int classes, int i, int label, int target) {
        float[] z = sortedRow(logits, classes, i);
        double spread = (double) z[classes - 1] - 0.5 * ((double) z[classes - 3] + z[classes - 4]) + 1e-12;
        return -(logits[i * classes + label] - logits[i * classes + target]) / spread;
    }

    /** The class ranked {@code k} by the logits of sample i (k = 1 the largest): APGD-T's and FAB-T's targets. */
    static int classRanked(float[] logits, int classes, int i, int k) {
        Integer[] order = new Integer[classes];
        for (int c = 0; c < classes; c++) {
            order[c] = c;
        }
        // decreasing logit; ties by class number, so the choice does not depend on the sort
        java.util.Arrays.sort(order, (a, b) -> {
            int byValue = Float.compare(logits[i * classes + b], logits[i * classes + a]);
            return byValue != 0 ? byValue : Integer.compare(a, b);
        });
        return order[k - 1];
    }
}
