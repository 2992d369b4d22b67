package advbench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

/** The statistics against values scipy 1.x gives (beta.ppf, binomtest, norm.ppf), and their closed forms where there is one. */
class BinomialTest {

    @Test
    void clopperPearsonBoundsMatchScipysBetaQuantiles() {
        // lower: beta.ppf(alpha, k, n - k + 1), what smoothing's CERTIFY takes as pA's lower bound
        assertEquals(0.9760361871553114, Binomial.clopperPearsonLower(990, 1000, 0.001), 1e-10);
        assertEquals(0.9990770386693395, Binomial.clopperPearsonLower(9999, 10000, 0.001), 1e-10);
        assertEquals(0.9993094630025899, Binomial.clopperPearsonLower(10000, 10000, 0.001), 1e-10);
        assertEquals(Math.pow(0.001, 1 / 10000.0), Binomial.clopperPearsonLower(10000, 10000, 0.001), 1e-12, "k = n: alpha^(1/n)");
        assertEquals(0.2224411010081294, Binomial.clopperPearsonLower(5, 10, 0.05), 1e-10);
        assertEquals(0.0005128014162622921, Binomial.clopperPearsonLower(1, 100, 0.05), 1e-12);
        assertEquals(0.9992406795873772, Binomial.clopperPearsonLower(99950, 100000, 0.001), 1e-10);
        assertEquals(0.0, Binomial.clopperPearsonLower(0, 100, 0.05));
        // upper: beta.ppf(1 - alpha, k + 1, n - k), the fast AutoAttack audit's bound
        assertEquals(0.029513049607039925, Binomial.clopperPearsonUpper(0, 100, 0.05), 1e-10);
        assertEquals(0.046559811453538935, Binomial.clopperPearsonUpper(1, 100, 0.05), 1e-10);
        assertEquals(0.05184333912029053, Binomial.clopperPearsonUpper(5, 200, 0.05), 1e-10);
        assertEquals(0.006682365096483012, Binomial.clopperPearsonUpper(2, 940, 0.05), 1e-10);
    }

    @Test
    void theTwoSidedTestAtOneHalfMatchesScipysBinomtest() {
        assertEquals(0.05688793364098089, Binomial.twoSidedHalf(60, 40), 1e-10);
        assertEquals(0.36820161732669615, Binomial.twoSidedHalf(55, 45), 1e-10);
        assertEquals(0.36820161732669615, Binomial.twoSidedHalf(45, 55), 1e-10, "symmetric");
        assertEquals(1.0, Binomial.twoSidedHalf(50, 50));
        assertEquals(2.1650000252585856e-176, Binomial.twoSidedHalf(900, 80), 1e-185);
        assertEquals(0.015625, Binomial.twoSidedHalf(7, 0), 1e-12, "2 * 2^-7");
    }

    @Test
    void theNormalQuantileMatchesScipysNormPpf() {
        assertEquals(0.0, Binomial.normalQuantile(0.5), 1e-12);
        assertEquals(1.959963984540054, Binomial.normalQuantile(0.975), 1e-9);
        assertEquals(3.090232306167813, Binomial.normalQuantile(0.999), 1e-9);
        assertEquals(3.719016485455709, Binomial.normalQuantile(0.9999), 1e-9);
        assertEquals(-4.753424308822899, Binomial.normalQuantile(1e-6), 1e-9);
        assertEquals(1.0, Binomial.normalQuantile(0.8413447460685429), 1e-9);
        assertThrows(IllegalArgumentException.class, () -> Binomial.normalQuantile(1.0));
    }
}
