package advbench.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import advbench.data.DataShape;
import advbench.data.LabeledImages;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Hand-checkable cases of the training-image augmentation: what it does, and that the seed decides it. */
class AugmentationTest {
    static final int SIDE = 8;
    static final DataShape COLOUR = new DataShape(3, SIDE, SIDE, 2, null);

    /** {@code n} colour images of distinct random pixels in (0.1, 1]: no two pixels alike, none zero. */
    static LabeledImages images(int n) {
        Random r = new Random(1);
        float[] px = new float[n * COLOUR.pixelsPerImage()];
        for (int i = 0; i < px.length; i++) {
            px[i] = 0.1f + 0.9f * r.nextFloat();
        }
        return new LabeledImages(px, new int[n], COLOUR);
    }

    static float at(LabeledImages b, int i, int c, int y, int x) {
        return b.pixels()[i * COLOUR.pixelsPerImage() + c * SIDE * SIDE + y * SIDE + x];
    }

    static int[] range(int n) {
        int[] ids = new int[n];
        Arrays.setAll(ids, i -> i);
        return ids;
    }

    /** Whether image {@code i} of {@code out} is image {@code i} of {@code in} shifted by (dx, dy), zeros coming in. */
    static boolean shifted(LabeledImages in, LabeledImages out, int i, int dx, int dy, boolean mirror) {
        for (int c = 0; c < 3; c++) {
            for (int y = 0; y < SIDE; y++) {
                for (int x = 0; x < SIDE; x++) {
                    int sx = x - dx;
                    int sy = y - dy;
                    if (mirror) {
                        sx = SIDE - 1 - sx;
                    }
                    float expected = sx < 0 || sy < 0 || sx >= SIDE || sy >= SIDE ? 0f : at(in, i, c, sy, sx);
                    if (at(out, i, c, y, x) != expected) {
                        return false;
                    }
                }
            }
        }
        return true;
    }

    @Test
    void shiftsMoveWholePixelsWithinTheBoundAndFillWithZeros() {
        LabeledImages in = images(40);
        LabeledImages out = new Augmentation(2, 0, 0, false).apply(in, range(40), 7, 0);
        int moved = 0;
        for (int i = 0; i < 40; i++) {
            int found = 0;
            for (int dx = -2; dx <= 2; dx++) {
                for (int dy = -2; dy <= 2; dy++) {
                    if (shifted(in, out, i, dx, dy, false)) {
                        found++;
                        moved += dx != 0 || dy != 0 ? 1 : 0;
                    }
                }
            }
            assertEquals(1, found, "image " + i + " is an exact shift of at most 2 pixels");
        }
        assertTrue(moved > 30, "most of 40 images move (24 of 25 shifts do): " + moved);
    }

    @Test
    void flipsMirrorLeftAndRightAboutHalfTheTime() {
        LabeledImages in = images(200);
        LabeledImages out = new Augmentation(0, 0, 0, true).apply(in, range(200), 7, 0);
        int mirrored = 0;
        for (int i = 0; i < 200; i++) {
            boolean same = shifted(in, out, i, 0, 0, false);
            boolean mirror = shifted(in, out, i, 0, 0, true);
            assertTrue(same != mirror, "image " + i + " is itself or its mirror image");
            mirrored += mirror ? 1 : 0;
        }
        assertTrue(mirrored > 70 && mirrored < 130, mirrored + " of 200 mirrored");
    }

    @Test
    void zoomAndRotationKeepAConstantImageConstantInsideAndTheCentreInPlace() {
        float[] px = new float[3 * SIDE * SIDE];
        Arrays.fill(px, 0.5f);
        LabeledImages flat = new LabeledImages(px, new int[1], COLOUR);
        for (int epoch = 0; epoch < 20; epoch++) {
            LabeledImages out = new Augmentation(0, 15, 0.1, false).apply(flat, new int[] {3}, 7, epoch);
            for (int c = 0; c < 3; c++) {
                for (int y = 3; y <= 4; y++) {
                    for (int x = 3; x <= 4; x++) {
                        assertEquals(0.5f, at(out, 0, c, y, x), 1e-6f, "the middle of a constant image stays constant");
                    }
                }
            }
        }
        LabeledImages in = images(1);
        LabeledImages turned = new Augmentation(0, 15, 0, false).apply(in, new int[] {0}, 7, 0);
        assertFalse(Arrays.equals(in.pixels(), turned.pixels()), "a rotation changes the image");
        for (float v : turned.pixels()) {
            assertTrue(v >= 0f && v <= 1f, "interpolation stays in the box: " + v);
        }
    }

    /** The same seed, epoch and image index give the same image, whatever else is in the batch. */
    @Test
    void theSeedEpochAndImageDecideNotTheBatch() {
        Augmentation a = new Augmentation(2, 10, 0.1, true);
        LabeledImages in = images(16);
        LabeledImages whole = a.apply(in, range(16), 5, 1);
        assertArrayEquals(whole.pixels(), a.apply(in, range(16), 5, 1).pixels(), "repeatable");
        LabeledImages alone = a.apply(in.select(new int[] {9}), new int[] {9}, 5, 1);
        assertArrayEquals(alone.pixels(), whole.select(new int[] {9}).pixels(), "image 9 alone is changed as in the batch");
        assertFalse(Arrays.equals(whole.pixels(), a.apply(in, range(16), 5, 2).pixels()), "another epoch draws anew");
        assertFalse(Arrays.equals(whole.pixels(), a.apply(in, range(16), 6, 1).pixels()), "another seed draws anew");
        assertArrayEquals(in.labels(), whole.labels(), "labels are kept");
    }

    @Test
    void noneChangesNothing() {
        assertTrue(Augmentation.NONE.isNone());
        LabeledImages in = images(3);
        assertArrayEquals(in.pixels(), Augmentation.NONE.apply(in, range(3), 1, 0).pixels());
    }
}
