package advbench.eval;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The distribution and the continuous curve of minimal norms, worked by hand. */
class MinimalNormStatsTest {
    static final double INF = Double.POSITIVE_INFINITY;

    @Test
    void curveQuartilesAndNotFoundShareOfSixSamples() {
        // six samples: one misclassified clean (norm 0), one never fooled, the others at 0.1, 0.2, 0.2, 0.4
        int[] labels = {0, 1, 2, 3, 4, 5};
        int[] clean = {0, 1, 9, 3, 4, 5};
        double[] norms = {0.2, 0.1, 0, 0.4, INF, 0.2};
        Metrics.MinimalNorms m = MinimalNormStats.of(norms, labels, clean);
        assertEquals(5, m.samples());
        assertEquals(0.2, m.notFoundShare(), 1e-12);
        // clean-correct sorted: 0.1 0.2 0.2 0.4 inf; linear interpolation at q (n - 1)
        assertEquals(0.2, m.q1(), 1e-12);
        assertEquals(0.2, m.median(), 1e-12);
        assertEquals(0.4, m.q3(), 1e-12);
        // corners over all six: clean 5/6; fooled at 0.1: 4/6; at 0.2 (two): 2/6; at 0.4: 1/6 (the never-fooled one stays)
        List<double[]> curve = m.curve();
        assertEquals(4, curve.size());
        assertArrayEquals(new double[] {0, 5 / 6.0}, curve.get(0), 1e-12);
        assertArrayEquals(new double[] {0.1, 4 / 6.0}, curve.get(1), 1e-12);
        assertArrayEquals(new double[] {0.2, 2 / 6.0}, curve.get(2), 1e-12);
        assertArrayEquals(new double[] {0.4, 1 / 6.0}, curve.get(3), 1e-12);
    }

    @Test
    void quartilesAmongTheNeverFooledAreNull() {
        Metrics.MinimalNorms m = MinimalNormStats.of(new double[] {0.5, INF, INF}, new int[3], new int[3]);
        assertNull(m.median());
        assertNull(m.q3());
        assertEquals(2 / 3.0, m.notFoundShare(), 1e-12);
        assertEquals(1, MinimalNormStats.curve(new double[] {INF, INF}, 2).size());
    }

    @Test
    void interpolatesBetweenOrderStatisticsAsNumpyDoes() {
        double[] sorted = {1, 2, 3, 4};
        assertEquals(1.75, MinimalNormStats.quantile(sorted, 0.25), 1e-12); // numpy.quantile([1,2,3,4], 0.25)
        assertEquals(2.5, MinimalNormStats.quantile(sorted, 0.5), 1e-12);
        assertEquals(3.25, MinimalNormStats.quantile(sorted, 0.75), 1e-12);
    }

    @Test
    void aLongCurveKeepsEveryKthCornerExactly() {
        int n = 5 * MinimalNormStats.MAX_CORNERS;
        double[] sorted = new double[n];
        for (int i = 0; i < n; i++) {
            sorted[i] = (i + 1) / (double) n;
        }
        List<double[]> curve = MinimalNormStats.curve(sorted, n);
        assertEquals(MinimalNormStats.MAX_CORNERS + 1, curve.size());
        double[] corner = curve.get(1); // the 5th smallest norm: five samples fooled
        assertArrayEquals(new double[] {5 / (double) n, (n - 5) / (double) n}, corner, 1e-12);
        assertArrayEquals(new double[] {1, 0}, curve.get(curve.size() - 1), 1e-12);
    }
}
