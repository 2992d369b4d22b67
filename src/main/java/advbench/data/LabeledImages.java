package advbench.data;

import java.util.Arrays;

/**
 * Grey-scale images with their class labels, pixels as floats in [0, 1], row-major, one image
 * after another. Plain arrays so that batches can be cut without touching native memory.
 */
public record LabeledImages(float[] pixels, int[] labels, int rows, int cols) {

    public LabeledImages {
        if ((long) labels.length * rows * cols != pixels.length) {
            throw new IllegalArgumentException("pixel count does not match labels x rows x cols");
        }
    }

    public int count() {
        return labels.length;
    }

    public int pixelsPerImage() {
        return rows * cols;
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
        return new LabeledImages(p, l, rows, cols);
    }

    /** Pixels of images [from, to) as one flat array, ready for {@code NDManager.create}. */
    public float[] pixelRange(int from, int to) {
        return Arrays.copyOfRange(pixels, from * pixelsPerImage(), to * pixelsPerImage());
    }

    public int[] labelRange(int from, int to) {
        return Arrays.copyOfRange(labels, from, to);
    }
}
