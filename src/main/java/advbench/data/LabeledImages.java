package advbench.data;

import java.util.Arrays;

/**
 * Images with their class labels: pixels as floats in [0, 1], one image after another, each
 * channel by channel (the NCHW layout models take), and the shape they share. Plain arrays, so
 * that batches can be cut without touching native memory.
 */
public record LabeledImages(float[] pixels, int[] labels, DataShape shape) {

    public LabeledImages {
        if ((long) labels.length * shape.pixelsPerImage() != pixels.length) {
            throw new IllegalArgumentException("pixel count does not match labels x " + shape.describeImage());
        }
    }

    public int count() {
        return labels.length;
    }

    public int pixelsPerImage() {
        return shape.pixelsPerImage();
    }

    /** The images at the given indices, in that order. */
    public LabeledImages select(int[] indices) {
        int n = pixelsPerImage();
        float[] p = new float[indices.length * n];
        int[] l = new int[indices.length];
        for (int i = 0; i < indices.length; i++) {
            System.arraycopy(pixels, indices[i] * n, p, i * n, n);
            l[i] = labels[indices[i]];
        }
        return new LabeledImages(p, l, shape);
    }

    /** The first {@code n} images (all of them if there are fewer). */
    public LabeledImages first(int n) {
        int k = Math.min(n, count());
        return new LabeledImages(pixelRange(0, k), labelRange(0, k), shape);
    }

    /** Pixels of images [from, to) as one flat array, ready for {@code NDManager.create}. */
    public float[] pixelRange(int from, int to) {
        return Arrays.copyOfRange(pixels, from * pixelsPerImage(), to * pixelsPerImage());
    }

    public int[] labelRange(int from, int to) {
        return Arrays.copyOfRange(labels, from, to);
    }
}
