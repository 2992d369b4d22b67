package advbench.eval;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * What a minimum-norm attack's per-sample norms say about a model: their distribution over the
 * samples classified correctly when clean (median, quartiles, share never fooled), and the
 * accuracy at every epsilon at once, a step function: at eps, the share of all test samples
 * classified correctly when clean whose minimal norm exceeds eps (one never fooled counts as
 * robust at every eps, so the curve is an upper bound, as any attack's is).
 */
public final class MinimalNormStats {
    private MinimalNormStats() {}

    /** The most corners a curve keeps in metrics.json; beyond it every k-th, still exact where listed. */
    static final int MAX_CORNERS = 2000;

    public static Metrics.MinimalNorms of(double[] norms, int[] labels, int[] cleanPredicted) {
        int n = labels.length;
        double[] correct = new double[n];
        int m = 0;
        for (int i = 0; i < n; i++) {
            if (cleanPredicted[i] == labels[i]) {
                correct[m++] = norms[i];
            }
        }
        double[] sorted = Arrays.copyOf(correct, m);
        Arrays.sort(sorted);
        int notFound = (int) Arrays.stream(sorted).filter(Double::isInfinite).count();
        return new Metrics.MinimalNorms(m, finiteOrNull(quantile(sorted, 0.25)), finiteOrNull(quantile(sorted, 0.5)),
                finiteOrNull(quantile(sorted, 0.75)), m == 0 ? 0 : notFound / (double) m, curve(sorted, n));
    }

    /**
     * The corners of the step function: (0, clean accuracy), then, at each distinct finite norm
     * v, the accuracy once every sample with norm at most v is fooled.
     */
    static List<double[]> curve(double[] sortedCorrect, int n) {
        List<double[]> corners = new ArrayList<>();
        int m = sortedCorrect.length;
        corners.add(new double[] {0, m / (double) n});
        int finite = 0;
        while (finite < m && Double.isFinite(sortedCorrect[finite])) {
            finite++;
        }
        int stride = Math.max(1, (finite + MAX_CORNERS - 1) / MAX_CORNERS);
        for (int k = 0; k < finite; k++) {
            boolean last = k + 1 == finite || sortedCorrect[k + 1] != sortedCorrect[k];
            if (last && ((k + 1) % stride == 0 || k + 1 == finite)) {
                corners.add(new double[] {sortedCorrect[k], (m - (k + 1)) / (double) n});
            }
        }
        return List.copyOf(corners);
    }

    /** The q-quantile with linear interpolation between order statistics (numpy's default). */
    static double quantile(double[] sorted, double q) {
        if (sorted.length == 0) {
            return Double.NaN;
        }
        double at = q * (sorted.length - 1);
        int lo = (int) Math.floor(at);
        int hi = Math.min(lo + 1, sorted.length - 1);
        if (Double.isInfinite(sorted[hi]) || lo == hi) {
            return at == lo ? sorted[lo] : sorted[hi];
        }
        return sorted[lo] + (at - lo) * (sorted[hi] - sorted[lo]);
    }

    /** JSON has no infinity: a quantile that falls among the never-fooled samples is written as null. */
    private static Double finiteOrNull(double v) {
        return Double.isFinite(v) ? v : null;
    }
}
