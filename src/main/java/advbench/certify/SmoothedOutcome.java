package advbench.certify;

/**
 * Randomized smoothing's results on the first {@code labels.length} test samples: per sample,
 * PREDICT's class and CERTIFY's class and radius (see {@link Smoothing}).
 */
public record SmoothedOutcome(Smoothing.Settings settings, int[] labels, Smoothing.Result[] results, double seconds, long forwardPasses) {

    /** Whether CERTIFY returned the true class: the sample is certified correct up to its radius. */
    public boolean certifiedCorrect(int i) {
        return results[i].certified() == labels[i];
    }

    public int count() {
        return labels.length;
    }
}
