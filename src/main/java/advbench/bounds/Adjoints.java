package advbench.bounds;

import advbench.model.Scalars;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.convolutional.Conv2d;

/**
 * Adjoints of the linear layers CROWN's backward pass crosses, made of forward operations only:
 * DJL's PyTorch engine does not implement the transposed convolution (Conv2dTranspose throws
 * "Not implemented"; BoundsTest pins this), so the convolution's adjoint is a convolution of the
 * coefficients dilated by the stride, with the kernel flipped and its channels swapped. All of it
 * is differentiable, as training through the bounds needs.
 */
final class Adjoints {
    private Adjoints() {}

    /**
     * The adjoint of a convolution with {@code weight} (out, in, k, k), {@code stride} and {@code
     * padding} whose input was {@code inH} x {@code inW}, applied to {@code a} (B, out, Ho, Wo).
     */
    static NDArray conv(NDArray a, NDArray weight, int stride, int padding, long inH, long inW) {
        long k = weight.getShape().get(2);
        if (padding > k - 1) {
            throw new IllegalArgumentException("a convolution padded by more than its kernel less one has no adjoint here");
        }
        long ho = a.getShape().get(2);
        long wo = a.getShape().get(3);
        NDArray dilated = dilate(a, stride);
        // rows and columns the strided convolution never reached (its output padding), as zeros after the last
        long padH = inH - ((ho - 1) * stride - 2L * padding + k);
        long padW = inW - ((wo - 1) * stride - 2L * padding + k);
        if (padH > 0 || padW > 0) {
            dilated = dilated.pad(new Shape(0, padW, 0, padH), 0);
        }
        NDArray flipped = weight.transpose(1, 0, 2, 3).flip(2, 3);
        flipped.attach(a.getManager());
        NDArray zeros = a.getManager().zeros(new Shape(weight.getShape().get(1)));
        long edge = k - 1 - padding;
        return Conv2d.conv2d(dilated, flipped, zeros, new Shape(1, 1), new Shape(edge, edge)).singletonOrThrow();
    }

    /**
     * The adjoint of average-pooling over size x size windows with stride size, of an input {@code
     * inH} x {@code inW}: each coefficient spread evenly over its window.
     */
    static NDArray avgPool(NDArray a, int size, long inH, long inW) {
        NDArray spread = Scalars.times(a.repeat(2, size).repeat(3, size), 1.0 / (size * size));
        long padH = inH - spread.getShape().get(2);
        long padW = inW - spread.getShape().get(3);
        return padH > 0 || padW > 0 ? spread.pad(new Shape(0, padW, 0, padH), 0) : spread;
    }

    /** (B, C, H, W) with stride - 1 zeros between neighbouring values: (B, C, (H - 1) s + 1, (W - 1) s + 1). */
    static NDArray dilate(NDArray a, int stride) {
        if (stride == 1) {
            return a;
        }
        Shape s = a.getShape();
        long h = s.get(2);
        long w = s.get(3);
        NDArray columns = a.expandDims(4).pad(new Shape(0, stride - 1), 0).reshape(s.get(0), s.get(1), h, w * stride)
                .get(new NDIndex(":, :, :, :{}", (w - 1) * stride + 1));
        long wd = (w - 1) * stride + 1;
        return columns.expandDims(3).pad(new Shape(0, 0, 0, stride - 1), 0).reshape(s.get(0), s.get(1), h * stride, wd)
                .get(new NDIndex(":, :, :{}, :", (h - 1) * stride + 1));
    }
}
