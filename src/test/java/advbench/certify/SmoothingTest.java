package advbench.certify;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import advbench.data.DataShape;
import advbench.model.Classifier;
import advbench.model.Classifiers;
import advbench.model.Engines;
import advbench.model.Layer;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Randomized smoothing against its definition on a two-class linear classifier, where smoothing
 * changes no decision and the exact certified L2 radius is the distance to the hyperplane,
 * |w.x + b| / ||w||: CERTIFY's radii approach it from below as n grows and never exceed it (the
 * failure probability alpha is 1e-6 here, so a seeded run that exceeded it would be a bug, not
 * bad luck); PREDICT returns the linear classifier's class. And the draws do not depend on which
 * samples share a forward pass.
 */
class SmoothingTest {
    static final int PIXELS = 4;
    static final float[] W = {0.8f, -0.5f, 0.3f, 0.6f};
    static final float B = -0.35f;
    static final double SIGMA = 0.25;

    /** z_1 - z_0 = W . x + B: class 1 on the positive side. */
    static Classifier linear() {
        Engines.seed(1);
        Classifier model = Classifiers.ofLayers("linear", List.of(new Layer.Flatten(), new Layer.Dense(2)),
                new DataShape(1, 1, PIXELS, 2, null), null);
        float[] weight = new float[2 * PIXELS];
        System.arraycopy(W, 0, weight, PIXELS, PIXELS);
        model.layerBlocks().get(1).getDirectParameters().get("weight").getArray().set(weight);
        model.layerBlocks().get(1).getDirectParameters().get("bias").getArray().set(new float[] {0f, B});
        return model;
    }

    @Test
    void certifiedRadiiApproachTheDistanceToTheHyperplaneFromBelow() {
        double norm = 0;
        for (float w : W) {
            norm += w * w;
        }
        norm = Math.sqrt(norm);
        Random random = new Random(4);
        int n = 30;
        float[] pixels = new float[n * PIXELS];
        double[] exact = new double[n];
        int[] side = new int[n];
        for (int i = 0; i < n; i++) {
            double margin;
            do { // points within two sigmas of the hyperplane, where n (not alpha's cap) limits the radius
                double dot = B;
                for (int k = 0; k < PIXELS; k++) {
                    pixels[i * PIXELS + k] = random.nextFloat();
                    dot += W[k] * pixels[i * PIXELS + k];
                }
                margin = dot;
            } while (Math.abs(margin) / norm > 2 * SIGMA || Math.abs(margin) / norm < 0.02);
            exact[i] = Math.abs(margin) / norm;
            side[i] = margin > 0 ? 1 : 0;
        }
        try (Classifier model = linear(); NDManager m = model.manager().newSubManager()) {
            NDArray x = m.create(pixels, new Shape(n, 1, 1, PIXELS));
            int[] ids = java.util.stream.IntStream.range(0, n).toArray();
            double previousGap = Double.POSITIVE_INFINITY;
            for (int draws : new int[] {1_000, 10_000, 100_000}) {
                Smoothing.Result[] results = new Smoothing(new Smoothing.Settings(SIGMA, 100, draws, 1e-6, 10_000), 7).run(model, x, ids);
                double gap = 0;
                for (int i = 0; i < n; i++) {
                    Smoothing.Result r = results[i];
                    if (r.certified() >= 0) {
                        assertEquals(side[i], r.certified(), "sample " + i + ": CERTIFY's class is the linear classifier's");
                    }
                    assertTrue(r.radius() <= exact[i] + 1e-9, "n " + draws + ", sample " + i + ": radius " + r.radius()
                            + " above the exact " + exact[i]);
                    gap += exact[i] - r.radius();
                    if (r.predicted() >= 0) {
                        assertEquals(side[i], r.predicted(), "sample " + i + ": PREDICT's class");
                    }
                }
                gap /= n;
                assertTrue(gap < previousGap, "the mean gap shrinks as n grows: " + gap + " after " + previousGap);
                previousGap = gap;
            }
            assertTrue(previousGap < 0.1 * SIGMA, "at n = 100,000 the radii are close to exact: mean gap " + previousGap);
        }
    }

    @Test
    void aSamplesCountsDoNotDependOnTheSamplesSharingItsPasses() {
        try (Classifier model = linear(); NDManager m = model.manager().newSubManager()) {
            float[] pixels = {0.5f, 0.4f, 0.6f, 0.2f, 0.1f, 0.9f, 0.3f, 0.7f, 0.45f, 0.45f, 0.5f, 0.5f};
            NDArray three = m.create(pixels, new Shape(3, 1, 1, PIXELS));
            Smoothing s = new Smoothing(new Smoothing.Settings(0.5, 100, 1_000, 0.001, 300), 3);
            int[][] together = s.counts(model, three, new int[] {10, 11, 12}, 42, 1_000, 2);
            float[] alone = new float[PIXELS];
            System.arraycopy(pixels, 2 * PIXELS, alone, 0, PIXELS);
            int[][] single = s.counts(model, m.create(alone, new Shape(1, 1, 1, PIXELS)), new int[] {12}, 42, 1_000, 2);
            assertArrayEquals(together[2], single[0]);
            assertEquals(1_000, together[2][0] + together[2][1]);
        }
    }
}
