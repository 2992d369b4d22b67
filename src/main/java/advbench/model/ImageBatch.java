package advbench.model;

import advbench.data.LabeledImages;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

/** Turns images held in Java arrays into an NCHW tensor of one channel. */
public final class ImageBatch {
    private ImageBatch() {}

    public static NDArray of(NDManager manager, LabeledImages images) {
        return manager.create(images.pixels(), new Shape(images.count(), 1, images.rows(), images.cols()));
    }

    public static NDArray of(NDManager manager, LabeledImages images, int from, int to) {
        return manager.create(images.pixelRange(from, to), new Shape(to - from, 1, images.rows(), images.cols()));
    }
}
