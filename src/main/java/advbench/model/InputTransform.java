package advbench.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;

/**
 * An input-transformation defence: a fixed map of the image applied before the network, in the
 * pixel space the attacks work in (before any preprocessing). Most are not differentiable: their
 * gradient is zero almost everywhere, which is what makes a gradient attack fail against them and
 * what BPDA (Athalye, Carlini and Wagner 2018) answers: the forward pass runs the transform, the
 * backward pass a differentiable {@link #approximation} of it (or the identity).
 */
public sealed interface InputTransform {

    /** The transform itself, as the defended model applies it to every input. */
    NDArray apply(NDArray x);

    /**
     * The differentiable stand-in BPDA's backward pass takes with {@code bpda: approximation}: for
     * the quantising transforms the identity (Athalye et al.'s choice), for thresholding a steep
     * sigmoid, for median smoothing the median itself (it is differentiable almost everywhere).
     */
    NDArray approximation(NDArray x);

    /** How tables and the log name it, e.g. "bit depth 3". */
    String label();

    /** Xu et al.'s feature squeezing: each pixel rounded to {@code bits} bits. */
    record BitDepth(int bits) implements InputTransform {
        @Override
        public NDArray apply(NDArray x) {
            double levels = (1 << bits) - 1;
            return Scalars.times(Scalars.times(x, levels).round(), 1 / levels);
        }

        @Override
        public NDArray approximation(NDArray x) {
            return x;
        }

        @Override
        public String label() {
            return "bit depth " + bits;
        }
    }

    /** Binarisation at {@code level}: 1 above it, 0 at or below. */
    record Threshold(double level) implements InputTransform {
        /** The sigmoid's width in pixels: steep enough to follow the step, smooth enough to have a gradient. */
        static final double WIDTH = 0.05;

        @Override
        public NDArray apply(NDArray x) {
            return x.gt((float) level).toType(x.getDataType(), false);
        }

        @Override
        public NDArray approximation(NDArray x) {
            return ai.djl.nn.Activation.sigmoid(Scalars.times(x.sub((float) level), 1 / WIDTH));
        }

        @Override
        public String label() {
            return "threshold " + level;
        }
    }

    /**
     * Xu et al.'s median smoothing, as their code runs it (scipy.ndimage.median_filter): each pixel
     * the median of the {@code size} x {@code size} window around it, per channel; for an even
     * size the window reaches one pixel further back than forward and the median is the upper of
     * the two middle values (scipy's rank size^2 / 2); the image is mirrored at its edges (scipy's
     * "reflect": the edge pixel repeated, then the ones inside it).
     */
    record Median(int size) implements InputTransform {
        @Override
        public NDArray apply(NDArray x) {
            Shape s = x.getShape();
            long h = s.get(2);
            long w = s.get(3);
            int before = size / 2;
            int after = (size - 1) / 2;
            NDArray padded = reflect(x, before, after);
            NDList windows = new NDList();
            for (int dy = 0; dy < size; dy++) {
                for (int dx = 0; dx < size; dx++) {
                    windows.add(padded.get(new NDIndex(":, :, {}:{}, {}:{}", dy, dy + h, dx, dx + w)));
                }
            }
            NDArray stacked = NDArrays.stack(windows, 4);
            return stacked.sort(4).get(new NDIndex(":, :, :, :, {}", size * size / 2));
        }

        @Override
        public NDArray approximation(NDArray x) {
            return apply(x);
        }

        @Override
        public String label() {
            return "median " + size + "x" + size;
        }
    }

    /**
     * x with {@code before} rows and columns mirrored in front and {@code after} behind, the edge
     * included (scipy's "reflect": d c b a | a b c d | d c b a). At most the image's size.
     */
    static NDArray reflect(NDArray x, int before, int after) {
        NDArray v = x;
        for (int axis : new int[] {2, 3}) {
            long n = v.getShape().get(axis);
            NDList parts = new NDList();
            for (long k = Math.min(before, n) - 1; k >= 0; k--) {
                parts.add(slice(v, axis, k, k + 1));
            }
            parts.add(v);
            for (long k = n - 1; k >= Math.max(0, n - after); k--) {
                parts.add(slice(v, axis, k, k + 1));
            }
            v = NDArrays.concat(parts, axis);
        }
        return v;
    }

    private static NDArray slice(NDArray v, int axis, long from, long to) {
        return axis == 2 ? v.get(new NDIndex(":, :, {}:{}, :", from, to)) : v.get(new NDIndex(":, :, :, {}:{}", from, to));
    }

    /**
     * JPEG's lossy step without the file: each channel in 8 x 8 blocks (a partial block filled by
     * repeating the edge), each block's 2-D DCT-II (orthonormal), its coefficients divided by JPEG's
     * luminance quantisation table scaled for {@code quality} (1 to 100, as libjpeg scales it),
     * rounded and multiplied back, the inverse DCT, clipped to [0, 1]. Pixels are on the 0-255
     * scale the table is made for. A colour image is quantised per RGB channel with the luminance
     * table, without JPEG's YCbCr conversion and chroma table: a simplification. The approximation
     * is the identity (the DCT and its inverse without the rounding).
     */
    record Jpeg(int quality) implements InputTransform {
        /** JPEG's standard luminance table (ITU T.81, Annex K). */
        static final int[] LUMINANCE = {
            16, 11, 10, 16, 24, 40, 51, 61, 12, 12, 14, 19, 26, 58, 60, 55, 14, 13, 16, 24, 40, 57, 69, 56, 14, 17, 22, 29, 51, 87, 80, 62,
            18, 22, 37, 56, 68, 109, 103, 77, 24, 35, 55, 64, 81, 104, 113, 92, 49, 64, 78, 87, 103, 121, 120, 101, 72, 92, 95, 98, 112,
            100, 103, 99};

        /** libjpeg's scaling of the table for a quality: 5000 / q below 50, 200 - 2q from 50, each entry at least 1. */
        float[] table() {
            int scale = quality < 50 ? 5000 / quality : 200 - 2 * quality;
            float[] t = new float[64];
            for (int k = 0; k < 64; k++) {
                t[k] = Math.max(1, Math.min(255, (LUMINANCE[k] * scale + 50) / 100));
            }
            return t;
        }

        /** The orthonormal 8-point DCT-II matrix, D[u][k] = c(u) cos((2k + 1) u pi / 16). */
        static float[] dct() {
            float[] d = new float[64];
            for (int u = 0; u < 8; u++) {
                double c = u == 0 ? Math.sqrt(1.0 / 8) : Math.sqrt(2.0 / 8);
                for (int k = 0; k < 8; k++) {
                    d[u * 8 + k] = (float) (c * Math.cos((2 * k + 1) * u * Math.PI / 16));
                }
            }
            return d;
        }

        @Override
        public NDArray apply(NDArray x) {
            NDManager m = x.getManager();
            Shape s = x.getShape();
            long n = s.get(0);
            long c = s.get(1);
            long h = s.get(2);
            long w = s.get(3);
            long hb = (h + 7) / 8;
            long wb = (w + 7) / 8;
            // a partial block is filled by repeating the last row and column, as libjpeg does, not with black
            NDArray padded = repeatEdge(x, hb * 8 - h, wb * 8 - w);
            // (n, c, hb, 8, wb, 8) -> (n, c, hb, wb, 8, 8): one 8 x 8 block per (hb, wb)
            NDArray blocks = Scalars.times(padded, 255).sub(128f).reshape(n, c, hb, 8, wb, 8).transpose(0, 1, 2, 4, 3, 5);
            NDArray d = m.create(dct(), new Shape(8, 8));
            NDArray coefficients = d.matMul(blocks).matMul(d.transpose());
            NDArray q = m.create(table(), new Shape(8, 8));
            NDArray quantised = coefficients.div(q).round().mul(q);
            NDArray back = d.transpose().matMul(quantised).matMul(d).add(128f);
            NDArray image = Scalars.times(back.transpose(0, 1, 2, 4, 3, 5).reshape(n, c, hb * 8, wb * 8), 1 / 255.0);
            return image.get(new NDIndex(":, :, :{}, :{}", h, w)).clip(0f, 1f);
        }

        @Override
        public NDArray approximation(NDArray x) {
            return x;
        }

        @Override
        public String label() {
            return "JPEG quality " + quality;
        }

        /** x with its last row repeated {@code rows} times and its last column {@code columns} times. */
        private static NDArray repeatEdge(NDArray x, long rows, long columns) {
            NDArray v = x;
            long[] extra = {rows, columns};
            for (int a = 0; a < 2; a++) {
                int axis = 2 + a;
                long n = v.getShape().get(axis);
                NDList parts = new NDList(v);
                for (long k = 0; k < extra[a]; k++) {
                    parts.add(slice(v, axis, n - 1, n));
                }
                v = extra[a] == 0 ? v : NDArrays.concat(parts, axis);
            }
            return v;
        }
    }
}
