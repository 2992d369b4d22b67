package advbench.model;

import advbench.data.LabeledImages;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

/** Turns images held in Java arrays into an NCHW tensor of the data's shape. */
public final class ImageBatch {
    private ImageBatch() {}

    public static NDArray of(NDManager manager, LabeledImages images) {
        return manager.create(images.pixels(), shape(images, images.count()));
    }

    public static NDArray of(NDManager manager, LabeledImages images, int from, int to) {
        return manager.create(images.pixelRange(from, to), shape(images, to - from));
    }

    private static Shape shape(LabeledImages images, int n) {
        var s = images.shape();
        return new Shape(n, s.channels(), s.height(), s.width());
    }
}
