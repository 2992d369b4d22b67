package advbench.attack;

/**
 * FAB's inner step (Croce and Hein, 2020; fra31/auto-attack, fab_projections.py): the smallest
 * perturbation d, in L-inf or L2, that moves a point t of the box [0, 1]^D onto the hyperplane
 * {@code <w, z> = b} while staying in the box. Where the box makes the hyperplane unreachable,
 * the move to the box corner that comes closest. One row at a time, on the host, following the
 * reference's algorithm (including its binary search over the coordinates sorted by how far
 * each can move), so the attack's steps are the reference's.
 */
final class HyperplaneProjection {
    private HyperplaneProjection() {}

    /** The minimal-L-inf d with {@code <w, t + d> = b} and {@code t + d} in the box (best effort if infeasible). */
    static double[] linf(float[] t, int tOffset, double[] w, double b) {
        int n = w.length;
        double dot = 0;
        for (int i = 0; i < n; i++) {
            dot += w[i] * t[tOffset + i];
        }
        double sign = dot - b >= 0 ? 1 : -1;
        double[] ws = new double[n];
        double[] a = new double[n];
        double[] d = new double[n];
        double[] p = new double[n];
        double wt = 0;
        double b0 = 0;
        for (int i = 0; i < n; i++) {
            ws[i] = w[i] * sign;
            a[i] = ws[i] < 0 ? 1 : 0;
            double ti = t[tOffset + i];
            d[i] = ws[i] != 0 ? a[i] - ti : 0;
            p[i] = a[i] - ti * (2 * a[i] - 1);
            wt += ws[i] * ti;
            b0 += ws[i] * d[i];
        }
        double bb = b * sign - wt;
        int[] order = sortedIndices(p); // increasing p
        // largest p first: s = cumulative |w|, sb = cumulative |w| p + b0
        double[] s = new double[n];
        double[] sb = new double[n];
        double accS = 0;
        double accB = 0;
        for (int j = 0; j < n; j++) {
            int i = order[n - 1 - j];
            accS += Math.abs(ws[i]);
            accB += -ws[i] * d[i];
            s[j] = accS;
            sb[j] = accB + b0;
        }
        double b2 = sb[n - 1] - s[n - 1] * p[order[0]];
        boolean cl = bb - b2 > 0;
        boolean c2 = bb - b0 > 0 && !cl;
        if (cl) {
            double lambda = Math.max(0, (bb - sb[n - 1]) / (-s[n - 1]));
            for (int i = 0; i < n; i++) {
                d[i] = (2 * a[i] - 1) * lambda;
            }
        } else if (c2) {
            int lb = 0;
            int ub = n - 1;
            int iterations = (int) Math.ceil(Math.log(n) / Math.log(2));
            for (int k = 0; k < iterations; k++) {
                int mid = (lb + ub) / 2;
                double g = sb[mid] - s[mid] * p[order[n - 1 - mid]];
                if (bb - g > 0) {
                    lb = mid;
                } else {
                    ub = mid;
                }
            }
            double lambda = Math.max(0, (bb - sb[lb]) / (-s[lb]));
            for (int i = 0; i < n; i++) {
                d[i] = a[i] == 1 ? Math.min(lambda, d[i]) : Math.max(-lambda, d[i]);
            }
        }
        for (int i = 0; i < n; i++) {
            if (ws[i] == 0) {
                d[i] = 0;
            }
        }
        return d;
    }

    /** The minimal-L2 d with {@code <w, t + d> = b} and {@code t + d} in the box (best effort if infeasible). */
    static double[] l2(float[] t, int tOffset, double[] w, double b) {
        int n = w.length;
        double c = -b;
        for (int i = 0; i < n; i++) {
            c += w[i] * t[tOffset + i];
        }
        double flip = c >= 0 ? 1 : -1;
        c *= flip;
        double[] ws = new double[n];
        double[] r = new double[n];
        for (int i = 0; i < n; i++) {
            ws[i] = w[i] * flip;
            double ti = t[tOffset + i];
            double ri = Math.max(ti / ws[i], (ti - 1) / ws[i]);
            ri = Double.isNaN(ri) ? 1e12 : Math.max(-1e12, Math.min(1e12, ri));
            if (Math.abs(ws[i]) < 1e-8) {
                ri = 1e12;
            }
            r[i] = ri == -1e12 ? 1e12 : ri;
        }
        int[] order = sortedIndices(r);
        double[] rs = new double[n];
        double[] rs2 = new double[n];
        for (int j = 0; j < n; j++) {
            rs[j] = r[order[j]];
        }
        for (int j = 0; j < n; j++) {
            rs2[j] = j + 1 < n ? rs[j + 1] : 0;
        }
        for (int j = 0; j < n; j++) {
            rs[j] = rs[j] == 1e12 ? 0 : rs[j];
            rs2[j] = rs2[j] == 1e12 ? 0 : rs2[j];
        }
        double w5 = 0;
        for (double v : ws) {
            w5 += v * v;
        }
        double[] wsum = new double[n]; // sum of w^2 over the coordinates after position j
        double acc = 0;
        for (int j = 0; j < n; j++) {
            acc += ws[order[j]] * ws[order[j]];
            wsum[j] = w5 - acc;
        }
        double[] d = new double[n];
        double dw = 0;
        for (int i = 0; i < n; i++) {
            d[i] = Math.abs(ws[i]) > 1e-8 ? -r[i] * ws[i] : 0;
            dw += d[i] * ws[i];
        }
        double[] s = new double[n + 1];
        s[0] = -w5 * rs[0];
        double cum = 0;
        for (int j = 0; j < n; j++) {
            cum += (rs[j] - rs2[j]) * wsum[j];
            s[j + 1] = cum - w5 * rs[0];
        }
        boolean c4 = s[0] + c < 0;
        boolean c3 = dw + c > 0;
        if (c4) {
            double alpha = c / w5;
            for (int i = 0; i < n; i++) {
                d[i] = -alpha * ws[i];
            }
        } else if (!c3) {
            int lb = 0;
            int ub = n - 1;
            int iterations = (int) Math.ceil(Math.log(n) / Math.log(2));
            for (int k = 0; k < iterations; k++) {
                int mid = (lb + ub) / 2;
                if (s[mid] + c > 0) {
                    lb = mid;
                } else {
                    ub = mid;
                }
            }
            double alpha = wsum[lb] == 0 ? 0 : (s[lb] + c) / wsum[lb] + rs[lb];
            for (int i = 0; i < n; i++) {
                d[i] = alpha > r[i] ? d[i] : -alpha * ws[i];
            }
        }
        for (int i = 0; i < n; i++) {
            if (Math.abs(ws[i]) <= 1e-8) {
                d[i] = 0;
            }
        }
        return d;
    }

    /**
     * The indices of v in increasing order of value ({@link Double#compare}'s), ties in index order:
     * a stable least-significant-digit radix sort of the values' bits, a byte at a time, skipping
     * the bytes all values share. FAB sorts every pixel twice per sample and step; this takes a
     * third of the time of the stable merge sort it replaced, with the same order.
     */
    static int[] sortedIndices(double[] v) {
        int n = v.length;
        long[] keys = new long[n];
        for (int i = 0; i < n; i++) {
            long bits = Double.doubleToLongBits(v[i]);
            keys[i] = bits ^ ((bits >> 63) | Long.MIN_VALUE); // unsigned order of the keys = Double.compare's order
        }
        int[] order = new int[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        int[] buffer = new int[n];
        int[] count = new int[257];
        for (int shift = 0; shift < 64; shift += 8) {
            java.util.Arrays.fill(count, 0);
            for (int i = 0; i < n; i++) {
                count[(int) (keys[i] >>> shift & 0xff) + 1]++;
            }
            if (count[(int) (keys[0] >>> shift & 0xff) + 1] == n) {
                continue; // every value has this byte: the pass would change nothing
            }
            for (int b = 0; b < 256; b++) {
                count[b + 1] += count[b];
            }
            for (int j = 0; j < n; j++) {
                int i = order[j];
                buffer[count[(int) (keys[i] >>> shift & 0xff)]++] = i;
            }
            int[] swap = order;
            order = buffer;
            buffer = swap;
        }
        return order;
    }
}
