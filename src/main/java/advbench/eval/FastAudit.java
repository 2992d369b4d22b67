package advbench.eval;

import advbench.attack.AutoAttack;
import advbench.attack.SampleSeeds;
import java.util.Arrays;
import java.util.Comparator;
import java.util.Locale;
import java.util.stream.IntStream;

/**
 * The fast AutoAttack's audit at one epsilon (see {@link AutoAttack.Audit} and {@link FastAuditor}):
 * of the samples the fast stages left robust, which the skipped stages were run on, and what their
 * finding means. The random part's samples are the ones with the smallest keys drawn from (seed,
 * sample index): a seeded random subsample that does not depend on the batches.
 *
 * @param robustAfterFast samples still robust after the fast stages
 * @param nearest samples of the nearest part (the smallest clean margins, block by block)
 * @param nearestFooled of them, the ones the skipped stages fooled
 * @param random samples of the random part, drawn from the robust ones outside the nearest part's first block
 * @param randomFooled of them, the ones the skipped stages fooled
 * @param randomFrom the samples the random part was drawn from (robust, outside the first block)
 * @param byGradientFree audited samples (either part) a gradient-free stage fooled: the mark of masked gradients
 * @param upperBound one-sided 95% upper bound (Clopper-Pearson), from the random part, on the share of
 *     the {@code randomFrom} samples that the skipped stages would fool; 0 when every one of them was
 *     audited
 * @param escalated whether the skipped stages then ran on every sample left, so that the result is
 *     the full ensemble's: the random part found more than {@code tolerance}, or a gradient-free
 *     stage fooled an audited sample
 */
public record FastAudit(double epsilon, int robustAfterFast, int nearest, int nearestFooled, int random, int randomFooled,
                        int randomFrom, int byGradientFree, int tolerance, double upperBound, boolean escalated) {

    /** Samples audited, in both parts. */
    public int audited() {
        return nearest + random;
    }

    /** Audited samples the skipped stages fooled: what the fast stages missed among them. */
    public int fooled() {
        return nearestFooled + randomFooled;
    }

    /** Purpose of the audit's draws (see {@link SampleSeeds}). */
    private static final long AUDIT_DRAWS = 0x0a0d17L;

    /** The test indices (among {@code robust}, increasing) the audit takes: up to {@code size}, by smallest seeded key. */
    static int[] pick(int[] robust, int size, long seed) {
        return IntStream.of(robust).boxed()
                .sorted(Comparator.comparingLong((Integer i) -> SampleSeeds.of(seed, i, AUDIT_DRAWS)).thenComparingInt(i -> i))
                .limit(size).mapToInt(Integer::intValue).sorted().toArray();
    }

    /**
     * The audit's finding at {@code epsilon}, among {@code robust} samples: escalated when the random
     * part found more than the tolerance or a gradient-free stage fooled any audited sample.
     */
    static FastAudit of(double epsilon, int robust, int nearest, int nearestFooled, int random, int randomFooled, int randomFrom,
                        int byGradientFree, int tolerance) {
        // at eps 0 no stage can change a prediction: the fast result is the full ensemble's, with nothing to audit
        double upper = epsilon == 0 ? 0
                : random >= randomFrom ? (double) randomFooled / Math.max(randomFrom, 1) : advbench.Binomial.clopperPearsonUpper(randomFooled, random, 0.05);
        return new FastAudit(epsilon, robust, nearest, nearestFooled, random, randomFooled, randomFrom, byGradientFree, tolerance, upper,
                randomFooled > tolerance || byGradientFree > 0);
    }

    /** The samples of {@code robust} not in {@code audited} (both increasing). */
    static int[] notAudited(int[] robust, int[] audited) {
        return IntStream.of(robust).filter(i -> Arrays.binarySearch(audited, i) < 0).toArray();
    }

    /** The log's line for this audit. */
    String describe(String attack) {
        if (epsilon == 0) {
            return attack + " at eps 0: no perturbation, nothing to audit; the result is the full ensemble's";
        }
        String bound = random >= randomFrom
                ? "every one was audited"
                : String.format(Locale.ROOT, "so at most %.2f%% of those %d (one-sided 95%%, Clopper-Pearson) would fall to them",
                        100 * upperBound, randomFrom);
        String verdict;
        if (!escalated) {
            verdict = "not escalated: the result is the fast ensemble's";
        } else if (byGradientFree > 0) {
            verdict = byGradientFree + " fell to a gradient-free stage, the mark of masked gradients: the skipped stages run on every"
                    + " sample left, and the result is the full ensemble's";
        } else {
            verdict = "more than the tolerated " + tolerance + " in the random part: the skipped stages run on every sample left, and"
                    + " the result is the full ensemble's";
        }
        return String.format(Locale.ROOT, "%s at eps %s: audit of the %d robust after the fast stages: the skipped stages fooled %d of"
                + " the %d nearest (smallest clean margin) and %d of %d drawn at random from the %d outside the first block, %s; %s",
                attack, epsilon, robustAfterFast, nearestFooled, nearest, randomFooled, random, randomFrom, bound, verdict);
    }
}
