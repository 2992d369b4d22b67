package advbench.attack;

import java.util.SplittableRandom;

/**
 * The Square Attack's proposals, plain arithmetic on host pixels as the reference draws them
 * (fra31/auto-attack, square.py): the window's share of the image over the iterations, the
 * L-infinity stripes and windows, and the L2 "pseudo-Gaussian" blocks with the mass moved between
 * two windows. {@link Square} runs the search.
 */
final class SquareProposals {
    private SquareProposals() {}

    /** The window's share of the image at iteration {@code it} (0-based), AutoAttack's p_selection without rescaling. */
    static double p(double pInit, int it) {
        int[] bounds = {10, 50, 200, 500, 1000, 2000, 4000, 6000, 8000};
        int halvings = 0;
        while (halvings < bounds.length && it > bounds[halvings]) {
            halvings++;
        }
        return pInit / (1 << halvings);
    }

    /** The window's side for share p of an h x w image: round(sqrt(p h w)) (half to even, as Python), at least 1, at most the image. */
    static int side(double p, int h, int w) {
        int s = (int) Math.max(Math.rint(Math.sqrt(p * h * w)), 1);
        return Math.min(s, Math.min(h, w));
    }

    /** The L2 window's side: as {@link #side} but at least 3 and odd (so the block has a centre), at most the image. */
    static int sideL2(double p, int h, int w) {
        int s = (int) Math.max(Math.rint(Math.sqrt(p * h * w)), 3);
        if (s % 2 == 0) {
            s++;
        }
        return Math.min(s, Math.min(h, w));
    }

    /**
     * The reference's eta_rectangles(x, y): centred nested rectangles, the n-th (0-based) adding
     * 1 / (n + 1)^2, scaled to unit L2 norm; row-major x rows by y columns.
     */
    static double[] rectangles(int x, int y) {
        double[] delta = new double[x * y];
        int c0 = x / 2;
        int c1 = y / 2;
        for (int n = 0; n < Math.max(x / 2 + 1, y / 2 + 1); n++) {
            for (int r = Math.max(c0, 0); r < Math.min(c0 + 2 * n + 1, x); r++) {
                for (int col = Math.max(c1, 0); col < Math.min(c1 + 2 * n + 1, y); col++) {
                    delta[r * y + col] += 1.0 / ((n + 1) * (n + 1));
                }
            }
            c0--;
            c1--;
        }
        return unit(delta);
    }

    /**
     * The reference's eta(s): an s x s block whose top s/2 rows are rectangles(s/2, s) and whose
     * other rows are minus rectangles(s - s/2, s), scaled to unit L2 norm; transposed when asked
     * (the reference flips a coin for that).
     */
    static double[] block(int s, boolean transposed) {
        // pure in (s, transposed) and read on every L2 query of every sample: built once, shared, never written
        return BLOCKS.computeIfAbsent(2 * s + (transposed ? 1 : 0), key -> buildBlock(s, transposed));
    }

    private static final java.util.Map<Integer, double[]> BLOCKS = new java.util.concurrent.ConcurrentHashMap<>();

    private static double[] buildBlock(int s, boolean transposed) {
        double[] top = rectangles(s / 2, s);
        double[] bottom = rectangles(s - s / 2, s);
        double[] eta = new double[s * s];
        System.arraycopy(top, 0, eta, 0, top.length);
        for (int k = 0; k < bottom.length; k++) {
            eta[top.length + k] = -bottom[k];
        }
        unit(eta);
        if (!transposed) {
            return eta;
        }
        double[] t = new double[s * s];
        for (int r = 0; r < s; r++) {
            for (int col = 0; col < s; col++) {
                t[col * s + r] = eta[r * s + col];
            }
        }
        return t;
    }

    private static double[] unit(double[] v) {
        double norm = 0;
        for (double e : v) {
            norm += e * e;
        }
        norm = Math.sqrt(norm);
        for (int k = 0; k < v.length && norm > 0; k++) {
            v[k] /= norm;
        }
        return v;
    }

    /** L-infinity start: vertical stripes, one sign per channel and column. */
    static void stripes(float[] x, float[] best, int i, int c, int h, int w, float eps, SplittableRandom random) {
        int d = c * h * w;
        for (int ch = 0; ch < c; ch++) {
            for (int col = 0; col < w; col++) {
                float sign = random.nextBoolean() ? 1f : -1f;
                for (int row = 0; row < h; row++) {
                    int k = i * d + ch * h * w + row * w + col;
                    best[k] = clip01(x[k] + eps * sign);
                }
            }
        }
    }

    /** L-infinity proposal: one window of every channel set to x +- eps (a sign per channel), written into row j of proposal. */
    static void window(float[] x, int i, float[] proposal, int j, int c, int h, int w, int s, float eps, SplittableRandom random) {
        int d = c * h * w;
        int top = (int) ((h - s) * random.nextDouble());
        int left = (int) ((w - s) * random.nextDouble());
        for (int ch = 0; ch < c; ch++) {
            float sign = random.nextBoolean() ? 1f : -1f;
            for (int row = top; row < top + s; row++) {
                for (int col = left; col < left + s; col++) {
                    int k = ch * h * w + row * w + col;
                    proposal[j * d + k] = clip01(x[i * d + k] + eps * sign);
                }
            }
        }
    }

    /**
     * L2 start: the image tiled with blocks of side h / 5 from offset (h - 5 side) / 2, each a
     * fresh {@link #block} with a random sign per channel; the sum scaled to norm eps, then clipped.
     */
    static void blocks(float[] x, float[] best, int i, int c, int h, int w, double eps, SplittableRandom random) {
        int d = c * h * w;
        int s = Math.max(h / 5, 1);
        int start = (h - 5 * s) / 2;
        double[] delta = new double[d];
        for (int top = start, r = 0; r < h / s; top += s, r++) {
            for (int left = start, q = 0; q < w / s; left += s, q++) {
                double[] eta = block(s, random.nextBoolean());
                for (int ch = 0; ch < c; ch++) {
                    double sign = random.nextBoolean() ? 1 : -1;
                    for (int row = top; row < Math.min(top + s, h); row++) {
                        for (int col = left; col < Math.min(left + s, w); col++) {
                            delta[ch * h * w + row * w + col] += eta[(row - top) * s + col - left] * sign;
                        }
                    }
                }
            }
        }
        scaledInto(x, i, delta, eps, best, i, d);
    }

    /**
     * L2 proposal, written into row j of proposal: the perturbation of {@code best} loses what it
     * had in a second random window, and the first window gets a fresh block plus its old content
     * (normalised), scaled per channel so that the norm freed by the second window and the budget
     * left unused move into it; the whole is scaled to norm eps and clipped, as the reference does.
     */
    static void moveMass(float[] x, float[] best, int i, float[] proposal, int j, int c, int h, int w, int s, double eps,
                                 SplittableRandom random) {
        int d = c * h * w;
        int top1 = (int) ((h - s) * random.nextDouble());
        int left1 = (int) ((w - s) * random.nextDouble());
        int top2 = (int) ((h - s) * random.nextDouble());
        int left2 = (int) ((w - s) * random.nextDouble());
        double[] eta = block(s, random.nextBoolean());
        double[] delta = new double[d];
        double image = 0;
        for (int k = 0; k < d; k++) {
            delta[k] = (double) best[i * d + k] - x[i * d + k];
            image += delta[k] * delta[k];
        }
        double room = Math.max(eps * eps - image, 0) / c;
        double[] fresh = new double[s * s];
        for (int ch = 0; ch < c; ch++) {
            int plane = ch * h * w;
            double first = 0;
            double both = 0;
            for (int row = 0; row < h; row++) {
                for (int col = 0; col < w; col++) {
                    boolean in1 = row >= top1 && row < top1 + s && col >= left1 && col < left1 + s;
                    boolean in2 = row >= top2 && row < top2 + s && col >= left2 && col < left2 + s;
                    double v = delta[plane + row * w + col];
                    first += in1 ? v * v : 0;
                    both += in1 || in2 ? v * v : 0;
                }
            }
            first = Math.sqrt(first);
            double sign = random.nextBoolean() ? 1 : -1;
            double norm = 0;
            for (int row = 0; row < s; row++) {
                for (int col = 0; col < s; col++) {
                    double v = eta[row * s + col] * sign + delta[plane + (top1 + row) * w + left1 + col] / (1e-12 + first);
                    fresh[row * s + col] = v;
                    norm += v * v;
                }
            }
            double scale = Math.sqrt(room + both) / (1e-12 + Math.sqrt(norm));
            for (int row = 0; row < s; row++) {
                for (int col = 0; col < s; col++) {
                    delta[plane + (top2 + row) * w + left2 + col] = 0;
                }
            }
            for (int row = 0; row < s; row++) {
                for (int col = 0; col < s; col++) {
                    delta[plane + (top1 + row) * w + left1 + col] = fresh[row * s + col] * scale;
                }
            }
        }
        scaledInto(x, i, delta, eps, proposal, j, d);
    }

    /** Row {@code to} of {@code out} = clip01(x_i + eps delta / (||delta||_2 + 1e-12)). */
    private static void scaledInto(float[] x, int i, double[] delta, double eps, float[] out, int to, int d) {
        double norm = 0;
        for (double v : delta) {
            norm += v * v;
        }
        double scale = eps / (Math.sqrt(norm) + 1e-12);
        for (int k = 0; k < d; k++) {
            out[to * d + k] = clip01((float) (x[i * d + k] + delta[k] * scale));
        }
    }

    private static float clip01(float v) {
        return Math.max(0f, Math.min(1f, v));
    }
}
