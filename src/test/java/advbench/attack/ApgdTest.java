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

/** Hand-worked pieces of APGD: the checkpoint schedule, the DLR losses, target ranks. */
class ApgdTest {

    /** The iterations after which the step size is reviewed, as the reference computes them. */
    static List<Integer> checkpoints(int steps) {
        int[] iv = Apgd.checkpointIntervals(steps);
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
    }

    @Test
    void dlrByHand() {
        float[] z = {3, 1, 2, 0, /* second sample */ 0, 5, 1, 4};
        // margin 3 - 2 = 1; spread z_pi1 - z_pi3 = 3 - 1 = 2
        assertEquals(-0.5, LogitLosses.dlr(z, 4, 0, 0), 1e-9);
        // misclassified: -(0 - 5) / (5 - 1) = 1.25
        assertEquals(1.25, LogitLosses.dlr(z, 4, 1, 0), 1e-9);
        // targeted at class 3: -(3 - 0) / (3 - (1 + 0) / 2) = -1.2
        assertEquals(-1.2, LogitLosses.dlrTargeted(z, 4, 0, 0, 3), 1e-9);
        assertEquals(2, LogitLosses.classRanked(z, 4, 0, 2), "second-ranked class of sample 0");
        assertEquals(3, LogitLosses.classRanked(z, 4, 1, 2));
        assertEquals(Math.log(Math.exp(3) + Math.exp(1) + Math.exp(2) + 1) - 3, LogitLosses.crossEntropy(z, 4, 0, 0), 1e-6);
    }

    /** The device losses whose gradients APGD follows are the sums of the host values it keeps per sample. */
    @Test
    void deviceAndHostLossesAgree() {
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
            double dlr = 0;
            double dlrT = 0;
            for (int i = 0; i < n; i++) {
                dlr += LogitLosses.dlr(z, c, i, labels[i]);
                dlrT += LogitLosses.dlrTargeted(z, c, i, labels[i], targets[i]);
            }
            assertEquals(dlr, Loss.dlr().value(logits, Goal.untargeted(labels)).getFloat(), 1e-4);
            assertEquals(dlrT, Loss.dlrTargeted(targets).value(logits, Goal.untargeted(labels)).getFloat(), 1e-4);
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
