package advbench.attack;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** FMN's pieces worked by hand: the radius update, the cosine schedules, the projections. */
class FmnTest {
    static final double INF = Double.POSITIVE_INFINITY;

    @Test
    void theRadiusShrinksOnSuccessButNeverAboveTheBestNorm() {
        // adversarial: min(eps * (1 - gamma), best) = min(0.5 * 0.9, 0.4) = 0.4, then min(0.5 * 0.9, 0.6) = 0.45
        assertEquals(0.4, Fmn.nextEpsilon(0.5, true, true, 0.4, 0.45, 0.1, 0.1, 10), 1e-12);
        assertEquals(0.45, Fmn.nextEpsilon(0.5, true, true, 0.6, 0.45, 0.1, 0.1, 10), 1e-12);
        // the first step adversarial (eps still +inf): the best norm
        assertEquals(0.3, Fmn.nextEpsilon(INF, true, true, 0.3, 0.3, 0.1, 0.05, 10), 1e-12);
    }

    @Test
    void theRadiusGrowsByGammaOnceASuccessWasSeen() {
        assertEquals(0.5 * 1.1, Fmn.nextEpsilon(0.5, false, true, 0.4, 0.45, 3.0, 0.1, 10), 1e-12); // the jump (3.45) is ignored
    }

    @Test
    void beforeTheFirstSuccessItJumpsToTheLinearisedBoundaryButGrowsAtLeastByGamma() {
        // first step: |delta| + |m| / ||g||_dual = 0 + 0.25
        assertEquals(0.25, Fmn.nextEpsilon(INF, false, false, 5, 0, 0.25, 0.05, 10), 1e-12);
        // later: the jump 0.3 + 0.4 = 0.7 is larger than 0.5 * 1.05
        assertEquals(0.7, Fmn.nextEpsilon(0.5, false, false, 5, 0.3, 0.4, 0.05, 10), 1e-12);
        // the jump 0.48 + 0.001 lands short of the boundary again: grow by gamma instead (the reference would stay at 0.481)
        assertEquals(0.525, Fmn.nextEpsilon(0.5, false, false, 5, 0.48, 0.001, 0.05, 10), 1e-12);
    }

    @Test
    void theRadiusNeverExceedsTheFarthestPointOfTheBox() {
        assertEquals(2.0, Fmn.nextEpsilon(INF, false, false, 2, 0, 1e12, 0.05, 2.0), 0); // a zero gradient: |m| / 1e-12
        assertEquals(2.0, Fmn.nextEpsilon(1.95, false, true, 2, 1.9, 0, 0.05, 2.0), 0);
    }

    @Test
    void stepSizeAndGammaAreCosineAnnealedTowardsAHundredthAnd0001() {
        Fmn fmn = new Fmn("FMN", Norm.LINF, 4, 1.0, 0.05);
        // alpha_i = 0.01 + 0.99 (1 + cos(pi i / 4)) / 2
        assertEquals(1.0, fmn.alpha(0), 1e-12);
        assertEquals(0.01 + 0.99 * (1 + Math.sqrt(0.5)) / 2, fmn.alpha(1), 1e-12);
        assertEquals(0.505, fmn.alpha(2), 1e-12);
        assertEquals(0.05, fmn.gamma(0), 1e-12);
        assertEquals(0.001 + 0.049 / 2, fmn.gamma(2), 1e-12);
        assertEquals(0.001 + 0.049 * (1 - Math.sqrt(0.5)) / 2, fmn.gamma(3), 1e-12); // the last step: 0.001 is never reached
    }

    @Test
    void projectionsOntoTheBallOfEachNorm() {
        double[] linf = {0.3, -0.05, -0.2};
        new Fmn("FMN", Norm.LINF, 10, 1, 0.05).project(linf, 0.1);
        assertArrayEquals(new double[] {0.1, -0.05, -0.1}, linf, 1e-12);

        double[] l2 = {3, 4}; // norm 5 onto radius 1: scaled by 1/5
        new Fmn("FMN", Norm.L2, 10, 1, 0.05).project(l2, 1);
        assertArrayEquals(new double[] {0.6, 0.8}, l2, 1e-12);
        double[] inside = {0.3, 0.4};
        new Fmn("FMN", Norm.L2, 10, 1, 0.05).project(inside, 1);
        assertArrayEquals(new double[] {0.3, 0.4}, inside, 0);

        // L1 (Duchi et al.): |v| = (3, 1, 0.5), radius 2 -> theta solves (3 - t) + (1 - t) = 2 with 0.5 < t: t = 1, v = (2, 0, 0)
        double[] l1 = {3, -1, 0.5};
        new Fmn("FMN", Norm.L1, 10, 1, 0.05).project(l1, 2);
        assertArrayEquals(new double[] {2, 0, 0}, l1, 1e-12);
        // radius 3.5: (3 - t) + (1 - t) + (0.5 - t) = 3.5 -> t = 1/3; all three stay
        double[] l1b = {3, -1, 0.5};
        Norm.projectL1(l1b, 3.5);
        assertArrayEquals(new double[] {3 - 1.0 / 3, -(1 - 1.0 / 3), 0.5 - 1.0 / 3}, l1b, 1e-12);
        assertEquals(3.5, Norm.L1.size(l1b), 1e-12);
    }

    @Test
    void theDualNormMeasuresTheDistanceToALinearBoundary() {
        assertEquals(Norm.L1, Norm.LINF.dual());
        assertEquals(Norm.L2, Norm.L2.dual());
        assertEquals(Norm.LINF, Norm.L1.dual());
        float[] a = {0.5f, 0.25f, 1f};
        float[] b = {0f, 0.5f, 1f};
        assertEquals(0.5, Norm.LINF.distance(a, b, 0, 3), 1e-7);
        assertEquals(0.75, Norm.L1.distance(a, b, 0, 3), 1e-7);
        assertEquals(Math.sqrt(0.3125), Norm.L2.distance(a, b, 0, 3), 1e-7);
    }

    @Test
    void carliniWagnersBinarySearchMultipliesByTenUntilASuccessThenBisects() {
        double[] state = {1e-3, 0, INF};
        CarliniWagner.nextConstant(state, false); // never succeeded: lower 0.001, c * 10
        assertArrayEquals(new double[] {1e-2, 1e-3, INF}, state, 1e-15);
        CarliniWagner.nextConstant(state, true); // succeeded at 0.01: upper 0.01, c = (0.001 + 0.01) / 2
        assertArrayEquals(new double[] {0.0055, 1e-3, 1e-2}, state, 1e-15);
        CarliniWagner.nextConstant(state, false); // failed at 0.0055: lower 0.0055
        assertArrayEquals(new double[] {0.00775, 0.0055, 1e-2}, state, 1e-15);
    }
}
