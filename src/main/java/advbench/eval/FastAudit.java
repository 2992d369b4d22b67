package advbench.eval;

import advbench.attack.AutoAttack;
import advbench.attack.SampleSeeds;
import java.util.Arrays;
import java.util.Comparator;
import java.util.stream.IntStream;

/**
 * The fast AutoAttack's audit at one epsilon (see {@link AutoAttack.Audit}): which of the samples
 * the fast stages left robust the skipped stages are run on, and what their finding means. The
 * audited samples are the ones with the smallest keys drawn from (seed, sample index): a seeded
 * random subsample that does not depend on the batches.
 *
 * @param robustAfterFast samples still robust after the fast stages
 * @param audited samples the skipped stages ran on
 * @param fooled audited samples the skipped stages fooled: what the fast stages missed
 * @param upperBound one-sided 95% upper bound (Clopper-Pearson) on the share of the samples robust
 *     after the fast stages that the skipped stages would fool; 0 when every one was audited and none fooled
 * @param escalated whether the audit found more than {@code tolerance} fooled, so that the skipped
 *     stages ran on every sample left and the result is the full ensemble's
 */
public record FastAudit(double epsilon, int robustAfterFast, int audited, int fooled, int tolerance, double upperBound,
                        boolean escalated) {

    /** Purpose of the audit's draws (see {@link SampleSeeds}). */
    private static final long AUDIT_DRAWS = 0x0a0d17L;

    /** The test indices (among {@code robust}, increasing) the audit takes: up to {@code size}, by smallest seeded key. */
    static int[] pick(int[] robust, int size, long seed) {
        return IntStream.of(robust).boxed()
                .sorted(Comparator.comparingLong((Integer i) -> SampleSeeds.of(seed, i, AUDIT_DRAWS)).thenComparingInt(i -> i))
                .limit(size).mapToInt(Integer::intValue).sorted().toArray();
    }

    /** The audit's finding: fooled of audited, among robust; escalated when fooled exceeds the tolerance. */
    static FastAudit of(double epsilon, int robust, int audited, int fooled, int tolerance) {
        double upper = audited == robust ? (double) fooled / Math.max(robust, 1) : clopperPearsonUpper(fooled, audited, 0.05);
        return new FastAudit(epsilon, robust, audited, fooled, tolerance, upper, fooled > tolerance);
    }

    /**
     * The one-sided upper confidence bound of a binomial share: the p at which {@code k} or fewer
     * successes in {@code n} have probability {@code alpha} (Clopper and Pearson 1934).
     */
    static double clopperPearsonUpper(int k, int n, double alpha) {
        if (n == 0 || k >= n) {
            return 1.0;
        }
        double lo = (double) k / n;
        double hi = 1.0;
        for (int it = 0; it < 200; it++) { // bisection: P(X <= k | p) falls as p grows
            double mid = (lo + hi) / 2;
            if (binomialCdf(k, n, mid) > alpha) {
                lo = mid;
            } else {
                hi = mid;
            }
        }
        return hi;
    }

    /** P(X <= k) for X ~ Binomial(n, p), summed in log space so that large n does not underflow. */
    static double binomialCdf(int k, int n, double p) {
        if (p <= 0) {
            return 1.0;
        }
        if (p >= 1) {
            return k >= n ? 1.0 : 0.0;
        }
        double sum = 0;
        double logP = Math.log(p);
        double logQ = Math.log1p(-p);
        double logChoose = 0; // log C(n, 0)
        for (int i = 0; i <= k; i++) {
            if (i > 0) {
                logChoose += Math.log(n - i + 1) - Math.log(i);
            }
            sum += Math.exp(logChoose + i * logP + (n - i) * logQ);
        }
        return Math.min(1.0, sum);
    }

    /** The samples of {@code robust} not in {@code audited} (both increasing). */
    static int[] notAudited(int[] robust, int[] audited) {
        return IntStream.of(robust).filter(i -> Arrays.binarySearch(audited, i) < 0).toArray();
    }

    /** The log's line for this audit. */
    String describe(String attack) {
        String bound = audited == robustAfterFast
                ? "every one was audited"
                : String.format(java.util.Locale.ROOT, "so at most %.2f%% of the %d (one-sided 95%%, Clopper-Pearson) would fall to them",
                        100 * upperBound, robustAfterFast);
        return String.format(java.util.Locale.ROOT, "%s at eps %s: audit: the skipped stages fooled %d of %d audited samples of the %d robust"
                + " after the fast stages, %s; %s", attack, epsilon, fooled, audited, robustAfterFast, bound, escalated
                ? "more than the tolerated " + tolerance + ": they run on every sample left, and the result is the full ensemble's"
                : "not escalated: the result is the fast ensemble's");
    }
}
