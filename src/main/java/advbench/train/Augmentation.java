package advbench.train;

import advbench.data.DataShape;
import advbench.data.LabeledImages;
import java.util.SplittableRandom;

/**
 * Random changes to training images: shifts, small rotations, zoom and horizontal flips, each
 * switchable. Every image's changes are drawn from the seed, the epoch and the image's index in
 * the training set, so the same experiment file gives the same model, whatever the batch size or
 * the order of the batches. Pixels that come from outside the image are 0 (black), as with
 * padding before a random crop.
 *
 * @param shift largest shift in pixels, up, down, left or right (0: none)
 * @param rotate largest rotation in degrees, either way (0: none)
 * @param zoom largest relative zoom, in or out: 0.1 scales by 0.9 to 1.1 (0: none)
 * @param flip mirror left and right with probability one half (not for digits or text)
 */
public record Augmentation(int shift, double rotate, double zoom, boolean flip) {
    public static final Augmentation NONE = new Augmentation(0, 0, 0, false);

    public boolean isNone() {
        return shift == 0 && rotate == 0 && zoom == 0 && !flip;
    }

    /** Changed copies of {@code batch}, whose images are those at {@code ids} of the training set. */
    public LabeledImages apply(LabeledImages batch, int[] ids, long seed, int epoch) {
        DataShape s = batch.shape();
        int plane = s.height() * s.width();
        int perImage = s.channels() * plane;
        float[] in = batch.pixels();
        float[] out = new float[in.length];
        for (int i = 0; i < batch.count(); i++) {
            Transform t = draw(new SplittableRandom(mix(seed, epoch, ids[i])));
            for (int c = 0; c < s.channels(); c++) {
                t.resample(in, out, i * perImage + c * plane, s.height(), s.width());
            }
        }
        return new LabeledImages(out, batch.labels(), s);
    }

    /** One stream per (seed, epoch, image): splitmix-style mixing, so nearby indices give unrelated draws. */
    static long mix(long seed, int epoch, int image) {
        long h = seed * 0x9E3779B97F4A7C15L + epoch;
        h = h * 0xBF58476D1CE4E5B9L + image;
        return h ^ (h >>> 31);
    }

    private Transform draw(SplittableRandom random) {
        int dx = shift == 0 ? 0 : random.nextInt(-shift, shift + 1);
        int dy = shift == 0 ? 0 : random.nextInt(-shift, shift + 1);
        double angle = rotate == 0 ? 0 : Math.toRadians(random.nextDouble(-rotate, rotate));
        double scale = zoom == 0 ? 1 : random.nextDouble(1 - zoom, 1 + zoom);
        boolean mirror = flip && random.nextBoolean();
        return new Transform(dx, dy, angle, scale, mirror);
    }

    /** Where each output pixel comes from: shift, then mirror, rotation and zoom about the centre. */
    private record Transform(int dx, int dy, double angle, double scale, boolean mirror) {

        void resample(float[] in, float[] out, int offset, int height, int width) {
            double cx = (width - 1) / 2.0;
            double cy = (height - 1) / 2.0;
            double cos = Math.cos(angle) / scale;
            double sin = Math.sin(angle) / scale;
            for (int y = 0; y < height; y++) {
                for (int x = 0; x < width; x++) {
                    double u = x - dx - cx;
                    double v = y - dy - cy;
                    if (mirror) {
                        u = -u;
                    }
                    // the inverse rotation and zoom: the source of output (x, y)
                    double sx = cos * u + sin * v + cx;
                    double sy = -sin * u + cos * v + cy;
                    out[offset + y * width + x] = bilinear(in, offset, height, width, sx, sy);
                }
            }
        }

        /** Bilinear interpolation; exact at whole-pixel positions, so pure shifts and flips copy pixels. */
        private static float bilinear(float[] in, int offset, int height, int width, double x, double y) {
            int x0 = (int) Math.floor(x);
            int y0 = (int) Math.floor(y);
            double fx = x - x0;
            double fy = y - y0;
            double v = 0;
            v += (1 - fx) * (1 - fy) * at(in, offset, height, width, x0, y0);
            v += fx == 0 ? 0 : fx * (1 - fy) * at(in, offset, height, width, x0 + 1, y0);
            v += fy == 0 ? 0 : (1 - fx) * fy * at(in, offset, height, width, x0, y0 + 1);
            v += fx == 0 || fy == 0 ? 0 : fx * fy * at(in, offset, height, width, x0 + 1, y0 + 1);
            return (float) v;
        }

        private static float at(float[] in, int offset, int height, int width, int x, int y) {
            return x < 0 || y < 0 || x >= width || y >= height ? 0f : in[offset + y * width + x];
        }
    }
}
