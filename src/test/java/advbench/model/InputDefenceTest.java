package advbench.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import advbench.TestFixtures;
import advbench.data.LabeledImages;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Input-transformation defences and BPDA through them (Athalye et al. 2018): the defended model's
 * logits are the network's at the transformed point; with BPDA's identity the gradient reaching
 * an attack is exactly the undefended network's gradient at the transformed point; without BPDA
 * the quantising transforms give the zero gradient that blinds a gradient attack; each transform
 * does what it says on a hand-made image.
 */
class InputDefenceTest {

    static Stream<InputTransform> transforms() {
        return Stream.of(new InputTransform.BitDepth(3), new InputTransform.Threshold(0.5), new InputTransform.Median(3),
                new InputTransform.Jpeg(50));
    }

    @ParameterizedTest
    @MethodSource("transforms")
    void bpdaIdentityGivesTheUndefendedGradientAtTheTransformedPoint(InputTransform t) {
        TestFixtures.Synthetic s = TestFixtures.synthetic();
        LabeledImages images = s.test().first(16);
        Classifier network = s.model();
        Classifier defended = network.defendedBy(t);
        Classifier bpda = defended.withBpda(Bpda.IDENTITY);
        try (NDManager m = network.manager().newSubManager()) {
            NDArray x = ImageBatch.of(m, images);
            NDArray transformed = t.apply(x);
            assertArrayEquals(network.logits(transformed).toFloatArray(), defended.logits(x).toFloatArray(), 1e-5f, "the defended logits");
            assertArrayEquals(defended.logits(x).toFloatArray(), bpda.logits(x).toFloatArray(), 0f, "BPDA changes no logit");
            float[] expected = network.lossGradient(transformed, images.labels()).toFloatArray();
            float[] actual = bpda.lossGradient(x, images.labels()).toFloatArray();
            assertArrayEquals(expected, actual, 1e-6f, t.label());
            assertTrue(norm(actual) > 0, "a gradient to follow");
            assertArrayEquals(x.toFloatArray(), images.pixels(), 0f, "the input is left alone");
        }
    }

    @Test
    void withoutBpdaAQuantisingTransformGivesAZeroGradientAndBpdaApproximationAFiniteOne() {
        TestFixtures.Synthetic s = TestFixtures.synthetic();
        LabeledImages images = s.test().first(16);
        for (InputTransform t : List.of(new InputTransform.BitDepth(3), new InputTransform.Threshold(0.5), new InputTransform.Jpeg(50))) {
            Classifier defended = s.model().defendedBy(t);
            try (NDManager m = s.model().manager().newSubManager()) {
                float[] g = defended.lossGradient(ImageBatch.of(m, images), images.labels()).toFloatArray();
                assertEquals(0.0, norm(g), 0.0, t.label() + ": zero almost everywhere, and these points are not on a step");
                float[] approx = defended.withBpda(Bpda.APPROXIMATION).lossGradient(ImageBatch.of(m, images), images.labels()).toFloatArray();
                assertTrue(Double.isFinite(norm(approx)) && norm(approx) > 0, t.label() + ": the approximation's gradient");
            }
        }
    }

    @Test
    void aBpdaViewIsChargedWithTheDefendedModelsPassesAndClosingAViewLeavesTheModelOpen() {
        TestFixtures.Synthetic s = TestFixtures.synthetic();
        LabeledImages images = s.test().first(4);
        Classifier defended = s.model().defendedBy(new InputTransform.BitDepth(2));
        Classifier bpda = defended.withBpda(Bpda.IDENTITY);
        try (NDManager m = s.model().manager().newSubManager()) {
            long before = defended.passes().forward();
            bpda.predict(ImageBatch.of(m, images));
            assertEquals(before + 4, defended.passes().forward(), "an attack run through BPDA is counted where the others are");
            bpda.close();
            defended.close();
            assertEquals(4, s.model().predict(ImageBatch.of(m, images)).length, "the network is still open");
        }
        assertThrows(IllegalStateException.class, () -> s.model().withBpda(Bpda.IDENTITY), "no transformation for BPDA to pass");
    }

    @Test
    void eachTransformDoesWhatItSays() {
        try (NDManager m = NDManager.newBaseManager()) {
            float[] pixels = new float[64];
            for (int k = 0; k < 64; k++) {
                pixels[k] = (k % 8) / 7f * 0.9f + 0.05f;
            }
            pixels[27] = 1f; // one bright pixel on a smooth ramp
            NDArray x = m.create(pixels, new Shape(1, 1, 8, 8));
            float[] two = new InputTransform.BitDepth(1).apply(x).toFloatArray();
            float[] eight = new InputTransform.BitDepth(3).apply(x).toFloatArray();
            float[] binary = new InputTransform.Threshold(0.5).apply(x).toFloatArray();
            for (int k = 0; k < 64; k++) {
                assertEquals(Math.round(pixels[k]), two[k], 0f, "1 bit: 0 or 1");
                assertEquals(Math.round(pixels[k] * 7) / 7f, eight[k], 1e-6f, "3 bits: multiples of 1/7");
                assertEquals(pixels[k] > 0.5f ? 1f : 0f, binary[k], 0f);
            }
            float[] median = new InputTransform.Median(3).apply(x).toFloatArray();
            assertEquals(pixels[19], median[27], 1e-6f, "the lone bright pixel is replaced by its column's value");
            assertEquals(pixels[0], median[0], 1e-6f, "a corner: its repeated edge");
            // an even window as scipy's median_filter takes it: one pixel back, the upper of the two middle values
            float[] square = new InputTransform.Median(2).apply(m.create(new float[] {0.1f, 0.2f, 0.3f, 0.4f}, new Shape(1, 1, 2, 2)))
                    .toFloatArray();
            assertArrayEquals(new float[] {0.1f, 0.2f, 0.3f, 0.3f}, square, 1e-6f);
            float[] fine = new InputTransform.Jpeg(100).apply(x).toFloatArray();
            float[] coarse = new InputTransform.Jpeg(10).apply(x).toFloatArray();
            double fineError = 0;
            double coarseError = 0;
            for (int k = 0; k < 64; k++) {
                fineError = Math.max(fineError, Math.abs(fine[k] - pixels[k]));
                coarseError = Math.max(coarseError, Math.abs(coarse[k] - pixels[k]));
                assertTrue(coarse[k] >= 0 && coarse[k] <= 1 && fine[k] >= 0 && fine[k] <= 1, "in the box");
            }
            assertTrue(fineError < 0.01, "quality 100 keeps the image: " + fineError);
            assertTrue(coarseError > 0.05, "quality 10 does not: " + coarseError);
        }
    }

    private static double norm(float[] g) {
        double sum = 0;
        for (float v : g) {
            sum += v * v;
        }
        return Math.sqrt(sum);
    }
}
