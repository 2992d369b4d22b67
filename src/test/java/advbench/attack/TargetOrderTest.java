package advbench.attack;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import advbench.TestFixtures;
import advbench.data.LabeledImages;
import advbench.model.Classifier;
import advbench.model.CrossEntropy;
import advbench.model.ImageBatch;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.util.Arrays;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/**
 * The orders in which APGD-T and FAB-T try their targets, on the synthetic fixture: every class
 * but the label, once; by logit, decreasing clean logits; by MALT, increasing linearised distance
 * (z_pred - z_t) / ||grad(z_t - z_y)||, recomputed here one class at a time with the model's own
 * gradient; and each sample's order the same alone as inside a batch.
 */
class TargetOrderTest {
    static final int N = 12;

    @Test
    void maltOrdersByTheLinearisedDistanceToEachBoundaryInTheDualNorm() {
        TestFixtures.Synthetic s = TestFixtures.synthetic();
        Classifier model = s.model();
        LabeledImages images = s.test().first(N);
        int classes = model.shape().classes();
        try (NDManager scope = model.manager().newSubManager()) {
            Batch batch = new Batch(ImageBatch.of(scope, images), images.labels(), IntStream.range(0, N).toArray());
            for (Norm norm : new Norm[] {Norm.LINF, Norm.L2}) {
                int[][] malt = TargetOrder.MALT.of(model, batch, norm);
                for (int i = 0; i < N; i++) {
                    int label = images.labels()[i];
                    assertPermutationOfOthers(malt[i], label, classes);
                    double[] distance = distances(model, scope, images.select(new int[] {i}), label, norm);
                    for (int j = 1; j < malt[i].length; j++) {
                        double before = distance[malt[i][j - 1]];
                        double after = distance[malt[i][j]];
                        assertTrue(before <= after * (1 + 1e-4) + 1e-7, norm + " sample " + i + ": " + Arrays.toString(malt[i]) + " by "
                                + Arrays.toString(distance));
                    }
                    try (Batch alone = batch.select(new int[] {i})) {
                        assertArrayEquals(malt[i], TargetOrder.MALT.of(model, alone, norm)[0], "sample " + i + " alone");
                    }
                }
            }
        }
    }

    @Test
    void logitOrderIsByDecreasingCleanLogitAndACarriedOrderIsUsedAsItIs() {
        TestFixtures.Synthetic s = TestFixtures.synthetic();
        Classifier model = s.model();
        LabeledImages images = s.test().first(N);
        int classes = model.shape().classes();
        try (NDManager scope = model.manager().newSubManager()) {
            Batch batch = new Batch(ImageBatch.of(scope, images), images.labels(), IntStream.range(0, N).toArray());
            int[][] logit = TargetOrder.LOGIT.of(model, batch, Norm.LINF);
            float[] z = model.logits(batch.images()).toFloatArray();
            for (int i = 0; i < N; i++) {
                assertPermutationOfOthers(logit[i], images.labels()[i], classes);
                for (int j = 1; j < logit[i].length; j++) {
                    assertTrue(z[i * classes + logit[i][j - 1]] >= z[i * classes + logit[i][j]]);
                }
            }
            int[][] made = new int[N][];
            Arrays.setAll(made, i -> logit[N - 1 - i]);
            Batch carrying = batch.withTargetOrder(TargetOrder.MALT, made);
            assertArrayEquals(made, TargetOrder.MALT.of(model, carrying, Norm.LINF));
            try (Batch some = carrying.select(new int[] {2, 5})) {
                assertArrayEquals(new int[][] {made[2], made[5]}, TargetOrder.MALT.of(model, some, Norm.LINF), "a sub-batch keeps its rows'");
            }
        }
    }

    private static void assertPermutationOfOthers(int[] order, int label, int classes) {
        assertEquals(classes - 1, order.length);
        int[] sorted = order.clone();
        Arrays.sort(sorted);
        assertArrayEquals(IntStream.range(0, classes).filter(c -> c != label).toArray(), sorted);
    }

    /** Per class t, (z_pred - z_t) / ||grad(z_t - z_y)||_dual at the image, one gradient per class (+inf for the label). */
    private static double[] distances(Classifier model, NDManager scope, LabeledImages one, int label, Norm norm) {
        int classes = model.shape().classes();
        double[] distance = new double[classes];
        NDArray x = ImageBatch.of(scope, one);
        float[] z = model.logits(x).toFloatArray();
        int predicted = LogitRanks.argMax(z, classes, 0);
        for (int t = 0; t < classes; t++) {
            if (t == label) {
                distance[t] = Double.POSITIVE_INFINITY;
                continue;
            }
            int target = t;
            Classifier.Gradient g = model.gradientOf(x, logits -> logits.mul(CrossEntropy.oneHot(logits.getManager(), new int[] {target}, classes))
                    .sum().sub(logits.mul(CrossEntropy.oneHot(logits.getManager(), new int[] {label}, classes)).sum()));
            float[] grad = g.gradient().toFloatArray();
            double size = 0;
            for (float v : grad) {
                size += norm == Norm.L2 ? v * (double) v : Math.abs(v);
            }
            size = norm == Norm.L2 ? Math.sqrt(size) : size;
            distance[t] = size > 0 ? (z[predicted] - z[t]) / size : Double.POSITIVE_INFINITY;
        }
        return distance;
    }
}
