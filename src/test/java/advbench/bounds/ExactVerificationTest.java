package advbench.bounds;

import static org.junit.jupiter.api.Assertions.assertTrue;

import advbench.data.DataShape;
import advbench.model.Classifier;
import advbench.model.Classifiers;
import advbench.model.Engines;
import advbench.model.Layer;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * IBP and CROWN-IBP against the exact answer on networks small enough to solve: a two-layer ReLU
 * network on three-pixel inputs. Within one pattern of active ReLUs the network is affine, so the
 * smallest margin over the ball (intersected with the box) is the minimum, over the patterns, of a
 * linear program on the polytope where that pattern holds, solved here exactly by enumerating the
 * polytope's vertices. No sample the bounds certify has a counterexample, every bound is below the
 * exact minimum, and the exact method certifies at least as many samples.
 */
class ExactVerificationTest {
    static final int PIXELS = 3;
    static final int HIDDEN = 6;
    static final int CLASSES = 3;

    @Test
    void noCertifiedSampleHasACounterexampleAndTheExactMethodCertifiesAtLeastAsMany() {
        int[] counts = new int[3]; // IBP, CROWN-IBP, exact
        int cases = 0;
        for (int seed = 1; seed <= 4; seed++) {
            Engines.seed(seed);
            List<Layer> layers = List.of(new Layer.Flatten(), new Layer.Dense(HIDDEN), new Layer.Relu(), new Layer.Dense(CLASSES));
            try (Classifier model = Classifiers.ofLayers("two-layer", layers, new DataShape(1, 1, PIXELS, CLASSES, null), null);
                 NDManager m = model.manager().newSubManager()) {
                float[][] w1 = matrix(model, 1, "weight", HIDDEN, PIXELS);
                float[] b1 = model.layerBlocks().get(1).getDirectParameters().get("bias").getArray().toFloatArray();
                float[][] w2 = matrix(model, 3, "weight", CLASSES, HIDDEN);
                float[] b2 = model.layerBlocks().get(3).getDirectParameters().get("bias").getArray().toFloatArray();
                BoundedNetwork net = BoundedNetwork.of(model);
                Random random = new Random(seed);
                int n = 25;
                float[] pixels = new float[n * PIXELS];
                for (int k = 0; k < pixels.length; k++) {
                    pixels[k] = random.nextFloat();
                }
                NDArray x = m.create(pixels, new Shape(n, 1, 1, PIXELS));
                int[] labels = model.predict(x); // margins positive at x: the cases worth certifying
                for (double eps : new double[] {0.02, 0.05, 0.1, 0.2, 0.35}) {
                    float[] ibp = net.marginLowerBounds(x, eps, labels, BoundMethod.IBP).toFloatArray();
                    float[] crown = net.marginLowerBounds(x, eps, labels, BoundMethod.CROWN_IBP).toFloatArray();
                    for (int i = 0; i < n; i++) {
                        double[] lo = new double[PIXELS];
                        double[] hi = new double[PIXELS];
                        for (int k = 0; k < PIXELS; k++) {
                            lo[k] = Math.max(0, pixels[i * PIXELS + k] - eps);
                            hi[k] = Math.min(1, pixels[i * PIXELS + k] + eps);
                        }
                        boolean ibpCertified = true;
                        boolean crownCertified = true;
                        boolean exactCertified = true;
                        for (int j = 0; j < CLASSES; j++) {
                            if (j == labels[i]) {
                                continue;
                            }
                            double exact = exactMinMargin(w1, b1, w2, b2, labels[i], j, lo, hi);
                            double slack = 1e-4 * (1 + Math.abs(exact));
                            String where = "seed " + seed + ", eps " + eps + ", sample " + i + ", class " + j;
                            assertTrue(ibp[i * CLASSES + j] <= exact + slack, where + ": IBP's bound " + ibp[i * CLASSES + j]
                                    + " above the exact minimum " + exact);
                            assertTrue(crown[i * CLASSES + j] <= exact + slack, where + ": CROWN-IBP's bound " + crown[i * CLASSES + j]
                                    + " above the exact minimum " + exact);
                            ibpCertified &= ibp[i * CLASSES + j] > 0;
                            crownCertified &= crown[i * CLASSES + j] > 0;
                            exactCertified &= exact > 0;
                        }
                        assertTrue(!ibpCertified || exactCertified, "IBP certified a sample with a counterexample");
                        assertTrue(!crownCertified || exactCertified, "CROWN-IBP certified a sample with a counterexample");
                        counts[0] += ibpCertified ? 1 : 0;
                        counts[1] += crownCertified ? 1 : 0;
                        counts[2] += exactCertified ? 1 : 0;
                        cases++;
                    }
                }
            }
        }
        assertTrue(counts[0] > 0, "IBP certified some of the " + cases + " cases");
        assertTrue(counts[0] <= counts[1] && counts[1] <= counts[2], "IBP <= CROWN-IBP <= exact: " + java.util.Arrays.toString(counts));
        assertTrue(counts[2] > counts[0], "the exact method certifies some case IBP cannot: " + java.util.Arrays.toString(counts));
    }

    /** The exact solver itself: its minimum is attained (a vertex's margin) and no sampled point of the box goes below it. */
    @Test
    void theExactMinimumIsBelowEverySampledPoint() {
        Random random = new Random(3);
        float[][] w1 = new float[HIDDEN][PIXELS];
        float[] b1 = new float[HIDDEN];
        float[][] w2 = new float[CLASSES][HIDDEN];
        float[] b2 = new float[CLASSES];
        fill(random, w1, b1, w2, b2);
        double[] lo = {0.2, 0.1, 0.5};
        double[] hi = {0.6, 0.4, 0.9};
        double exact = exactMinMargin(w1, b1, w2, b2, 0, 1, lo, hi);
        double smallest = Double.POSITIVE_INFINITY;
        for (int s = 0; s < 20_000; s++) {
            double[] p = new double[PIXELS];
            for (int k = 0; k < PIXELS; k++) {
                p[k] = lo[k] + random.nextDouble() * (hi[k] - lo[k]);
            }
            smallest = Math.min(smallest, margin(w1, b1, w2, b2, 0, 1, p));
        }
        assertTrue(smallest >= exact - 1e-9, "a sampled point below the exact minimum: " + smallest + " < " + exact);
        assertTrue(smallest - exact < 0.05 * (1 + Math.abs(exact)), "the minimum is approached by sampling: " + smallest + " vs " + exact);
    }

    private static void fill(Random r, float[][] w1, float[] b1, float[][] w2, float[] b2) {
        for (float[] row : w1) {
            for (int k = 0; k < row.length; k++) {
                row[k] = (float) r.nextGaussian();
            }
        }
        for (int i = 0; i < b1.length; i++) {
            b1[i] = (float) (0.3 * r.nextGaussian());
        }
        for (float[] row : w2) {
            for (int k = 0; k < row.length; k++) {
                row[k] = (float) r.nextGaussian();
            }
        }
        for (int i = 0; i < b2.length; i++) {
            b2[i] = (float) (0.3 * r.nextGaussian());
        }
    }

    private static float[][] matrix(Classifier model, int layer, String name, int rows, int cols) {
        float[] flat = model.layerBlocks().get(layer).getDirectParameters().get(name).getArray().toFloatArray();
        float[][] out = new float[rows][cols];
        for (int r = 0; r < rows; r++) {
            System.arraycopy(flat, r * cols, out[r], 0, cols);
        }
        return out;
    }

    static double margin(float[][] w1, float[] b1, float[][] w2, float[] b2, int y, int j, double[] x) {
        double m = b2[y] - b2[j];
        for (int i = 0; i < w1.length; i++) {
            double pre = b1[i];
            for (int k = 0; k < x.length; k++) {
                pre += w1[i][k] * x[k];
            }
            m += (w2[y][i] - w2[j][i]) * Math.max(0, pre);
        }
        return m;
    }

    /**
     * min over the box [lo, hi] of z_y - z_j: for each pattern of active hidden units, the linear
     * margin minimised over the polytope {box, each unit's pre-activation >= 0 if active, <= 0 if
     * not} by enumerating its vertices (every choice of PIXELS tight constraints with a unique,
     * feasible solution). A pattern whose polytope is empty has none.
     */
    static double exactMinMargin(float[][] w1, float[] b1, float[][] w2, float[] b2, int y, int j, double[] lo, double[] hi) {
        int d = lo.length;
        int h = w1.length;
        // constraints a . x <= c: the box's 2d, then one per hidden unit (sign set by the pattern)
        int rows = 2 * d + h;
        double best = Double.POSITIVE_INFINITY;
        for (int pattern = 0; pattern < (1 << h); pattern++) {
            double[][] a = new double[rows][d];
            double[] c = new double[rows];
            for (int k = 0; k < d; k++) {
                a[2 * k][k] = 1;
                c[2 * k] = hi[k];
                a[2 * k + 1][k] = -1;
                c[2 * k + 1] = -lo[k];
            }
            double[] g = new double[d];
            double constant = b2[y] - b2[j];
            for (int i = 0; i < h; i++) {
                boolean active = (pattern >> i & 1) == 1;
                double sign = active ? -1 : 1; // active: -(w x + b) <= 0; inactive: w x + b <= 0
                for (int k = 0; k < d; k++) {
                    a[2 * d + i][k] = sign * w1[i][k];
                }
                c[2 * d + i] = -sign * b1[i];
                if (active) {
                    double v = w2[y][i] - w2[j][i];
                    for (int k = 0; k < d; k++) {
                        g[k] += v * w1[i][k];
                    }
                    constant += v * b1[i];
                }
            }
            int[] pick = new int[d];
            best = Math.min(best, vertices(a, c, g, constant, pick, 0, 0));
        }
        return best;
    }

    /** The smallest g . x + constant over feasible vertices made tight on the constraints chosen from {@code from} on. */
    private static double vertices(double[][] a, double[] c, double[] g, double constant, int[] pick, int depth, int from) {
        int d = pick.length;
        if (depth == d) {
            double[] x = solve(a, c, pick);
            if (x == null) {
                return Double.POSITIVE_INFINITY;
            }
            for (int r = 0; r < a.length; r++) {
                double v = 0;
                for (int k = 0; k < d; k++) {
                    v += a[r][k] * x[k];
                }
                if (v > c[r] + 1e-9) {
                    return Double.POSITIVE_INFINITY;
                }
            }
            double value = constant;
            for (int k = 0; k < d; k++) {
                value += g[k] * x[k];
            }
            return value;
        }
        double best = Double.POSITIVE_INFINITY;
        for (int r = from; r < a.length; r++) {
            pick[depth] = r;
            best = Math.min(best, vertices(a, c, g, constant, pick, depth + 1, r + 1));
        }
        return best;
    }

    /** The solution of the chosen rows as equalities, by Gaussian elimination with partial pivoting; null when singular. */
    private static double[] solve(double[][] a, double[] c, int[] rows) {
        int d = rows.length;
        double[][] m = new double[d][d + 1];
        for (int i = 0; i < d; i++) {
            System.arraycopy(a[rows[i]], 0, m[i], 0, d);
            m[i][d] = c[rows[i]];
        }
        for (int col = 0; col < d; col++) {
            int pivot = col;
            for (int r = col + 1; r < d; r++) {
                if (Math.abs(m[r][col]) > Math.abs(m[pivot][col])) {
                    pivot = r;
                }
            }
            if (Math.abs(m[pivot][col]) < 1e-12) {
                return null;
            }
            double[] t = m[col];
            m[col] = m[pivot];
            m[pivot] = t;
            for (int r = 0; r < d; r++) {
                if (r != col) {
                    double f = m[r][col] / m[col][col];
                    for (int k = col; k <= d; k++) {
                        m[r][k] -= f * m[col][k];
                    }
                }
            }
        }
        double[] x = new double[d];
        for (int i = 0; i < d; i++) {
            x[i] = m[i][d] / m[i][i];
        }
        return x;
    }
}
