package advbench.eval;

import advbench.RunLog;
import advbench.attack.Attack;
import advbench.attack.AutoAttack;
import advbench.attack.Rows;
import advbench.data.LabeledImages;
import advbench.model.Classifier;
import advbench.model.ImageBatch;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.util.Arrays;
import java.util.Comparator;
import java.util.stream.IntStream;

/**
 * Runs the fast AutoAttack's audit at one epsilon at a time (see {@link AutoAttack.Audit}): the
 * stages the fast version skipped, on two parts of the samples its fast stages left robust.
 *
 * <ul>
 *   <li>The nearest part: the samples with the smallest clean logit margin, block by block, for as
 *       long as a block turns up a sample the fast stages missed. The misses sit there: on the
 *       PGD-trained MNIST model at eps 0.1 FAB-T's two finds in 940 were at margin ranks 0 and 7,
 *       and at eps 0.3 four of Square's ten in the first eight. A random audit of 100 had missed
 *       both at 0.1.
 *   <li>The random part: a seeded random subsample of the samples outside the first block, whose
 *       finding bounds (one-sided 95%, Clopper-Pearson) the share of those the skipped stages would
 *       fool. It runs in one batch with the first block; later blocks, while a block finds a miss,
 *       come from the samples outside both.
 * </ul>
 *
 * The audit escalates (the skipped stages run on every sample left, and the result is the full
 * ensemble's) when the random part finds more than the tolerance, or when a gradient-free stage
 * (Square) fools any audited sample: a sample a search without gradients finds but the gradient
 * attacks did not is the mark of masked gradients, and then nothing the gradient stages left can
 * be trusted. What either part fools counts in the result.
 */
final class FastAuditor {

    /** Attacks some test samples (increasing) at the audited epsilon, into its outcome; returns the re-check's forwards. */
    interface RowAttack {
        long run(int[] ids, Attack attack);
    }

    private final Classifier model;
    private final LabeledImages test;
    private final int batchSize;
    private final RunLog log;
    private final AutoAttack fast;
    private final StageTally tally;
    private float[] margins;

    FastAuditor(Classifier model, LabeledImages test, int batchSize, RunLog log, AutoAttack fast, StageTally tally) {
        this.model = model;
        this.test = test;
        this.batchSize = batchSize;
        this.log = log;
        this.fast = fast;
        this.tally = tally;
    }

    /** The audit's finding, and what it cost the re-check. */
    record Audited(FastAudit audit, long recheckForward) {}

    /** The audit of the samples {@code out} has robust after the fast stages at {@code eps}; {@code rows} attacks them there. */
    Audited audit(double eps, EpsilonOutcome out, RowAttack rows) {
        AutoAttack.Audit plan = fast.audit();
        Attack skipped = fast.skippedStages().reporting(tally);
        int[] robust = Rows.where(stillRobust(out.stages()));
        if (eps == 0 || robust.length == 0) {
            FastAudit nothing = FastAudit.of(eps, robust.length, 0, 0, 0, 0, 0, 0, plan.tolerance());
            log.info(nothing.describe(fast.name()));
            return new Audited(nothing, 0);
        }
        int[] byMargin = plan.nearest() > 0 ? byMargin(robust) : new int[0];
        int[] nearest = sortedPart(byMargin, 0, plan.nearest());
        int[] pool = FastAudit.notAudited(robust, nearest);
        int[] random = FastAudit.pick(pool, plan.samples(), plan.seed());
        // The first block and the random part go through the skipped stages together: Square's 5000
        // queries cost about as long on 3 samples as on 100 (each query is one small forward), so two
        // runs would cost twice one. Later blocks need the block before them to have found a miss.
        int[] first = IntStream.concat(IntStream.of(nearest), IntStream.of(random)).sorted().toArray();
        tally.part("audit of the " + nearest.length + " nearest and " + random.length + " random of the " + robust.length + " robust");
        long rechecked = rows.run(first, skipped);
        int nearestFooled = fooled(out, nearest);
        int[] later = IntStream.of(byMargin).filter(i -> Arrays.binarySearch(first, i) < 0).toArray();
        for (int from = 0, found = nearestFooled; found > 0 && from < later.length; from += plan.nearest()) {
            int[] block = sortedPart(later, from, plan.nearest());
            tally.part("audit of the next " + block.length + " nearest of the " + robust.length + " robust");
            rechecked += rows.run(block, skipped);
            found = fooled(out, block);
            nearest = IntStream.concat(IntStream.of(nearest), IntStream.of(block)).sorted().toArray();
            nearestFooled += found;
        }
        int[] audited = IntStream.concat(IntStream.of(nearest), IntStream.of(random)).sorted().toArray();
        FastAudit finding = FastAudit.of(eps, robust.length, nearest.length, nearestFooled, random.length, fooled(out, random),
                pool.length, byGradientFree(out, audited), plan.tolerance());
        log.info(finding.describe(fast.name()));
        if (finding.escalated()) {
            int[] others = FastAudit.notAudited(robust, audited);
            tally.part("escalation, " + others.length + " samples");
            rechecked += rows.run(others, skipped);
        }
        return new Audited(finding, rechecked);
    }

    /** Up to {@code size} samples of {@code order} from position {@code from} on, increasing (as the batches take them). */
    private static int[] sortedPart(int[] order, int from, int size) {
        return Arrays.stream(order, Math.min(from, order.length), Math.min(order.length, from + size)).sorted().toArray();
    }

    /** How many of {@code ids} the outcome no longer has robust. */
    private static int fooled(EpsilonOutcome out, int[] ids) {
        return ids.length - Rows.where(Rows.pick(stillRobust(out.stages()), ids)).length;
    }

    /** How many of {@code ids} a gradient-free member of the ensemble fooled. */
    private int byGradientFree(EpsilonOutcome out, int[] ids) {
        int count = 0;
        for (int i : ids) {
            int stage = out.stages()[i]; // 0 is clean, k the k-th member
            if (stage > 0 && fast.attacks().get(stage - 1).gradientFree()) {
                count++;
            }
        }
        return count;
    }

    /** {@code robust} by increasing clean margin, ties by index: the order the nearest part takes them in. */
    private int[] byMargin(int[] robust) {
        float[] m = margins();
        return IntStream.of(robust).boxed().sorted(Comparator.comparingDouble((Integer i) -> m[i]).thenComparingInt(i -> i))
                .mapToInt(Integer::intValue).toArray();
    }

    /**
     * Every test sample's clean logit margin, z_y - max_{t != y} z_t, computed once for all the
     * epsilons: one forward pass per sample, against the thousands the skipped stages spend on each
     * sample they audit.
     */
    private float[] margins() {
        if (margins == null) {
            int n = test.count();
            margins = new float[n];
            int[] labels = test.labels();
            for (int from = 0; from < n; from += batchSize) {
                int to = Math.min(n, from + batchSize);
                try (NDManager scope = model.manager().newSubManager()) {
                    NDArray logits = model.logits(ImageBatch.of(scope, test, from, to));
                    int classes = (int) logits.getShape().get(1);
                    float[] z = logits.toFloatArray();
                    for (int j = 0; j < to - from; j++) {
                        int y = labels[from + j];
                        float other = Float.NEGATIVE_INFINITY;
                        for (int t = 0; t < classes; t++) {
                            if (t != y) {
                                other = Math.max(other, z[j * classes + t]);
                            }
                        }
                        margins[from + j] = z[j * classes + y] - other;
                    }
                }
            }
        }
        return margins;
    }

    static boolean[] stillRobust(int[] stages) {
        boolean[] open = new boolean[stages.length];
        for (int i = 0; i < open.length; i++) {
            open[i] = stages[i] == -1;
        }
        return open;
    }
}
