package advbench.attack;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * FAB's projections against an independent solver: for a point t in the box and a hyperplane
 * {@code <w, z> = b}, the smallest move (L-inf or L2) onto it within the box. Moving by at most
 * lambda in L-inf changes {@code <w, z>} by at most sum |w_i| min(lambda, room_i); in L2 the best
 * move of size along -w saturates coordinates as it grows. Both are monotone in their parameter,
 * so bisection finds the optimum the projection must reach.
 */
class HyperplaneProjectionTest {

    record Case(float[] t, double[] w, double b) {}

    /** A feasible case: b is <w, z> of some point z of the box. Some w are 0, some t on the box's faces. */
    static Case feasible(Random r, int n) {
        float[] t = new float[n];
        double[] w = new double[n];
        double b = 0;
        for (int i = 0; i < n; i++) {
            t[i] = r.nextInt(5) == 0 ? (r.nextBoolean() ? 0f : 1f) : r.nextFloat();
            w[i] = r.nextInt(6) == 0 ? 0 : r.nextGaussian();
            b += w[i] * r.nextDouble();
        }
        return new Case(t, w, b);
    }

    static double dot(double[] w, float[] t, double[] d) {
        double s = 0;
        for (int i = 0; i < w.length; i++) {
            s += w[i] * (t[i] + d[i]);
        }
        return s;
    }

    static void checkInBoxAndOnPlane(Case c, double[] d) {
        for (int i = 0; i < d.length; i++) {
            double z = c.t[i] + d[i];
            assertTrue(z >= -1e-9 && z <= 1 + 1e-9, "in the box: " + z);
        }
        assertEquals(c.b, dot(c.w, c.t, d), 1e-6 * (1 + Math.abs(c.b)), "on the hyperplane");
    }

    /** The smallest lambda whose L-inf ball (within the box) reaches the hyperplane. */
    static double optimalLinf(Case c) {
        double need = c.b;
        for (int i = 0; i < c.w.length; i++) {
            need -= c.w[i] * c.t[i];
        }
        double lo = 0;
        double hi = 1;
        for (int k = 0; k < 200; k++) {
            double mid = (lo + hi) / 2;
            double reach = 0;
            for (int i = 0; i < c.w.length; i++) {
                // the room to move coordinate i in the direction that changes <w, z> towards need
                double dir = Math.signum(c.w[i]) * Math.signum(need);
                double room = dir > 0 ? 1 - c.t[i] : c.t[i];
                reach += Math.abs(c.w[i]) * Math.min(mid, room);
            }
            if (reach >= Math.abs(need)) {
                hi = mid;
            } else {
                lo = mid;
            }
        }
        return hi;
    }

    /** The L2 size of the best move: d_i = clip(-alpha w_i) to the box, alpha found by bisection. */
    static double optimalL2(Case c) {
        double need = c.b;
        for (int i = 0; i < c.w.length; i++) {
            need -= c.w[i] * c.t[i];
        }
        double sign = Math.signum(need);
        double lo = 0;
        double hi = 1e6;
        double[] d = new double[c.w.length];
        for (int k = 0; k < 300; k++) {
            double mid = (lo + hi) / 2;
            double reach = 0;
            for (int i = 0; i < c.w.length; i++) {
                d[i] = Math.max(-c.t[i], Math.min(1 - c.t[i], sign * mid * c.w[i]));
                reach += c.w[i] * d[i];
            }
            if (Math.abs(reach) >= Math.abs(need)) {
                hi = mid;
            } else {
                lo = mid;
            }
        }
        double size = 0;
        for (int i = 0; i < c.w.length; i++) {
            double di = Math.max(-c.t[i], Math.min(1 - c.t[i], sign * hi * c.w[i]));
            size += di * di;
        }
        return Math.sqrt(size);
    }

    @Test
    void linfReachesThePlaneWithTheSmallestMove() {
        Random r = new Random(7);
        for (int k = 0; k < 2000; k++) {
            Case c = feasible(r, 2 + r.nextInt(60));
            double[] d = HyperplaneProjection.linf(c.t, 0, c.w, c.b);
            checkInBoxAndOnPlane(c, d);
            double size = 0;
            for (double v : d) {
                size = Math.max(size, Math.abs(v));
            }
            assertEquals(optimalLinf(c), size, 1e-6, "case " + k);
        }
    }

    @Test
    void l2ReachesThePlaneWithTheSmallestMove() {
        Random r = new Random(8);
        for (int k = 0; k < 2000; k++) {
            Case c = feasible(r, 2 + r.nextInt(60));
            double[] d = HyperplaneProjection.l2(c.t, 0, c.w, c.b);
            checkInBoxAndOnPlane(c, d);
            double size = 0;
            for (double v : d) {
                size += v * v;
            }
            assertEquals(optimalL2(c), Math.sqrt(size), 1e-5, "case " + k);
        }
    }

    /** Out of reach inside the box: the move to the corner that comes closest. */
    @Test
    void anUnreachablePlaneGivesTheClosestCorner() {
        float[] t = {0.5f, 0.5f};
        double[] w = {1, 1};
        double[] d = HyperplaneProjection.linf(t, 0, w, 5); // <w, z> is at most 2 in the box
        assertEquals(0.5, d[0], 1e-12);
        assertEquals(0.5, d[1], 1e-12);
        double[] e = HyperplaneProjection.l2(t, 0, w, -5);
        assertEquals(-0.5, e[0], 1e-12);
        assertEquals(-0.5, e[1], 1e-12);
    }

    /**
     * The radix sort orders as a stable boxed sort does: ties (many 0 and 1 pixels), -0.0, values a
     * last bit apart, the +-1e12 the L2 projection uses for unreachable coordinates, infinities and NaN.
     */
    @Test
    void sortedIndicesAreAStableSort() {
        java.util.Random random = new java.util.Random(7);
        for (int n : new int[] {1, 2, 3, 17, 784, 3072}) {
            double[] v = new double[n];
            for (int i = 0; i < n; i++) {
                int kind = random.nextInt(9);
                v[i] = switch (kind) {
                    case 0 -> 0.0;
                    case 1 -> -0.0;
                    case 2 -> 1.0;
                    case 3 -> random.nextBoolean() ? 1e12 : -1e12;
                    case 4 -> 1 - Math.scalb((double) random.nextInt(4), -50); // 1 - tiny: apart in the last bits only
                    case 5 -> random.nextInt(20) == 0 ? Double.NaN : random.nextBoolean() ? Double.POSITIVE_INFINITY : Double.NEGATIVE_INFINITY;
                    default -> random.nextDouble() * 2 - 1;
                };
            }
            Integer[] boxed = new Integer[n];
            for (int i = 0; i < n; i++) {
                boxed[i] = i;
            }
            java.util.Arrays.sort(boxed, (x, y) -> Double.compare(v[x], v[y]));
            org.junit.jupiter.api.Assertions.assertArrayEquals(java.util.Arrays.stream(boxed).mapToInt(Integer::intValue).toArray(),
                    HyperplaneProjection.sortedIndices(v), "n = " + n);
        }
    }
}
