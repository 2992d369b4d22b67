package advbench.attack;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import advbench.model.Engines;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Hand-worked pieces of APGD: the step-size schedule, the DLR losses, target ranks. */
class ApgdTest {

    /** The iterations after which the step size is reviewed, as the reference computes them. */
    static List<Integer> checkpoints(int steps) {
        int[] iv = ApgdSchedule.checkpointIntervals(steps);
        List<Integer> at = new ArrayList<>();
        int k = iv[0];
        int done = 0;
        while (done + k <= steps) {
            done += k;
            at.add(done);
            k = Math.max(k - iv[1], iv[2]);
        }
        return at;
    }

    /** 100 steps: the paper's p_j = 0.22, 0.41, 0.57, 0.70, 0.80, 0.87, 0.93, 0.99. */
    @Test
    void checkpointsFollowThePublishedSchedule() {
        assertEquals(List.of(22, 41, 57, 70, 80, 87, 93, 99), checkpoints(100));
        // 10 steps, where integer intervals degenerate: 2, then every step (torchattacks' default hits this)
        assertEquals(List.of(2, 3, 4, 5, 6, 7, 8, 9, 10), checkpoints(10));
        // the schedule object reviews at exactly those iterates
        ApgdSchedule schedule = new ApgdSchedule(100, 1, 0.3);
        int[] row = {0};
        schedule.start(row, new double[] {0});
        List<Integer> reviewed = new ArrayList<>();
        for (int t = 1; t <= 100; t++) {
            schedule.record(t, row, new double[] {t});
            if (schedule.checkpoint(t, row) != null) {
                reviewed.add(t);
            }
        }
        assertEquals(checkpoints(100), reviewed);
    }

    /**
     * Condition 1 (the loss rose in at most 75% of the window's steps) and condition 2 (the step
     * was kept last time and the best loss did not improve), on hand-made loss sequences: 10
     * steps, so checkpoints at iterates 2, 3, 4, ...; the step starts at 2 eps.
     */
    @Test
    void stepSizesHalveByTheReferencesTwoConditions() {
        double eps = 0.25;
        ApgdSchedule s = new ApgdSchedule(10, 3, eps);
        int[] rows = {0, 1, 2};
        s.start(rows, new double[] {1, 1, 1});
        // iterate 1: sample 0 rises, 1 falls, 2 stays; no checkpoint yet
        assertArrayEquals(new boolean[] {true, false, false}, s.record(1, rows, new double[] {2, 0.5, 1}));
        assertEquals(null, s.checkpoint(1, rows));
        // iterate 2, the first checkpoint (window of 2 steps, the first compared with an unfilled 0):
        // sample 0 rose twice (2 > 0, 3 > 2): kept; sample 1 rose once (0.5 > 0, 0.4 < 0.5): 1 <= 1.5, halved;
        // sample 2 (1 > 0, 1 = 1): halved; condition 2 cannot fire at the first checkpoint
        s.record(2, rows, new double[] {3, 0.4, 1});
        assertArrayEquals(new boolean[] {false, true, true}, s.checkpoint(2, rows));
        assertArrayEquals(new float[] {0.5f, 0.25f, 0.25f}, s.stepSizes(rows));
        // iterate 3 (window of 1 step): sample 0 falls (halved by condition 1); sample 1 rises but its best
        // (1.0 from the start) did not improve: condition 2 needs the step kept last time, which it was not: kept
        s.record(3, rows, new double[] {2.5, 0.9, 1.5});
        assertArrayEquals(new boolean[] {true, false, false}, s.checkpoint(3, rows));
        // iterate 4: sample 1 rises again (0.95 > 0.9) without beating its best 1.0, and was kept last time: condition 2
        s.record(4, rows, new double[] {2.6, 0.95, 1.6});
        assertArrayEquals(new boolean[] {false, true, false}, s.checkpoint(4, rows));
        assertArrayEquals(new float[] {0.25f, 0.125f, 0.25f}, s.stepSizes(rows));
    }

    /** One formula per loss: hand-worked values, on the host in double precision and summed on the device. */
    @Test
    void dlrAndCrossEntropyByHand() {
        Engines.configure(0);
        float[] z = {3, 1, 2, 0, /* second sample */ 0, 5, 1, 4};
        int[] labels = {0, 0};
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray logits = m.create(z, new Shape(2, 4));
            Goal goal = Goal.untargeted(labels);
            // margin 3 - 2 = 1, spread z_pi1 - z_pi3 = 3 - 1 = 2; misclassified: -(0 - 5) / (5 - 1) = 1.25
            assertArrayEquals(new double[] {-0.5, 1.25}, Loss.dlr().onHostExact(logits, goal), 1e-9);
            // targeted at class 3 and 3: -(3 - 0) / (3 - (1 + 0) / 2) = -1.2; -(0 - 4) / (5 - (1 + 0) / 2) = 0.888...
            assertArrayEquals(new double[] {-1.2, 4 / 4.5}, Loss.dlrTargeted(new int[] {3, 3}).onHostExact(logits, goal), 1e-9);
            double ce = Math.log(Math.exp(3) + Math.exp(1) + Math.exp(2) + 1) - 3;
            assertEquals(ce, Loss.crossEntropy().onHostExact(logits, goal)[0], 1e-12);
            assertArrayEquals(new double[] {1, -5}, Loss.marginsOnHost(logits, labels), 0);
            assertEquals(-0.5 + 1.25, Loss.dlr().value(logits, goal).getFloat(), 1e-6);
        }
        assertEquals(2, LogitRanks.ranked(z, 4, 0, 2), "second-ranked class of sample 0");
        assertEquals(3, LogitRanks.ranked(z, 4, 1, 2));
    }

    /** The gradient is taken of the sum of the per-sample values the attacks keep books on: the same formula. */
    @Test
    void theValueIsTheSumOfThePerSampleValues() {
        Engines.configure(0);
        Random r = new Random(4);
        int n = 6;
        int c = 10;
        float[] z = new float[n * c];
        for (int i = 0; i < z.length; i++) {
            z[i] = (float) (3 * r.nextGaussian());
        }
        int[] labels = {0, 1, 2, 3, 4, 5};
        int[] targets = {9, 8, 7, 6, 5, 4};
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray logits = m.create(z, new Shape(n, c));
            Goal goal = Goal.untargeted(labels);
            for (Loss loss : List.of(Loss.crossEntropy(), Loss.margin(), Loss.dlr(), Loss.dlrTargeted(targets))) {
                double sum = java.util.Arrays.stream(loss.onHostExact(logits, goal)).sum();
                assertEquals(sum, loss.value(logits, goal).getFloat(), 1e-4, loss.toString());
                assertArrayEquals(loss.onHostExact(logits, goal), loss.onHost(logits, goal), 1e-5, loss.toString());
            }
        }
    }

    /** DJL's where does not broadcast a per-row mask over images (libtorch would): APGD broadcasts it first. */
    @Test
    void djlWhereNeedsTheMaskBroadcast() {
        Engines.configure(0);
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray a = m.ones(new Shape(2, 1, 2, 2));
            NDArray b = m.zeros(new Shape(2, 1, 2, 2));
            NDArray mask = m.create(new boolean[] {true, false}).reshape(2, 1, 1, 1);
            org.junit.jupiter.api.Assertions.assertThrows(UnsupportedOperationException.class, () -> ai.djl.ndarray.NDArrays.where(mask, a, b));
            NDArray chosen = ai.djl.ndarray.NDArrays.where(mask.broadcast(a.getShape()), a, b);
            assertArrayEquals(new float[] {1, 1, 1, 1, 0, 0, 0, 0}, chosen.toFloatArray());
        }
    }
}
