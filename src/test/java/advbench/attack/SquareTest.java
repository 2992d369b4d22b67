package advbench.attack;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The Square Attack's schedule and L2 blocks, by hand: what AutoAttack's settings give on MNIST
 * and CIFAR image sizes, and the reference's eta_rectangles and eta on small sizes.
 */
class SquareTest {

    static List<Integer> sides(int h, int w) {
        List<Integer> s = new ArrayList<>();
        for (int it : new int[] {0, 10, 11, 50, 51, 200, 201, 500, 501, 1000, 1001, 2000, 2001, 4000, 4001, 4999}) {
            s.add(SquareProposals.side(SquareProposals.p(0.8, it), h, w));
        }
        return s;
    }

    @Test
    void pHalvesAtThePublishedIterations() {
        assertEquals(0.8, SquareProposals.p(0.8, 10));
        assertEquals(0.4, SquareProposals.p(0.8, 11));
        assertEquals(0.8 / 128, SquareProposals.p(0.8, 4001));
        assertEquals(0.8 / 512, SquareProposals.p(0.8, 9000));
    }

    /** 28 x 28: 25, 18, 13, 9, 6, 4, 3, then 2; 32 x 32: 29, 20, 14, 10, 7, 5, 4, then 3. */
    @Test
    void windowSidesForMnistAndCifar() {
        assertEquals(List.of(25, 25, 18, 18, 13, 13, 9, 9, 6, 6, 4, 4, 3, 3, 2, 2), sides(28, 28));
        assertEquals(List.of(29, 29, 20, 20, 14, 14, 10, 10, 7, 7, 5, 5, 4, 4, 3, 3), sides(32, 32));
        assertEquals(1, SquareProposals.side(0.001, 4, 4), "at least one pixel");
        assertEquals(4, SquareProposals.side(1.0, 4, 8), "at most the image");
    }

    /** L2 windows are odd and at least 3: 25, 19, 13, 9, 7, 5, 3 on 28 x 28 (18 and 6 become 19 and 7). */
    @Test
    void l2WindowSidesAreOddAndAtLeastThree() {
        List<Integer> s = new ArrayList<>();
        for (int it : new int[] {0, 11, 51, 201, 501, 1001, 2001, 4001}) {
            s.add(SquareProposals.sideL2(SquareProposals.p(0.8, it), 28, 28));
        }
        assertEquals(List.of(25, 19, 13, 9, 7, 5, 3, 3), s);
        assertEquals(3, SquareProposals.sideL2(0.8, 3, 3));
        assertEquals(2, SquareProposals.sideL2(0.8, 2, 2), "at most the image");
    }

    /**
     * eta_rectangles(1, 2): centre (0, 1); ring 0 adds 1 at (0, 1), ring 1 adds 1/4 to the whole
     * row, so [1/4, 5/4] before scaling to unit length. eta_rectangles(3, 3): 1 + 1/4 at the
     * centre, 1/4 around it.
     */
    @Test
    void rectanglesByHand() {
        double n = Math.sqrt(1.0 / 16 + 25.0 / 16);
        assertArrayEquals(new double[] {0.25 / n, 1.25 / n}, SquareProposals.rectangles(1, 2), 1e-12);
        double m = Math.sqrt(8 / 16.0 + 25 / 16.0);
        double[] r = SquareProposals.rectangles(3, 3);
        assertEquals(1.25 / m, r[4], 1e-12);
        assertEquals(0.25 / m, r[0], 1e-12);
        assertEquals(0.25 / m, r[8], 1e-12);
        assertEquals(0, SquareProposals.rectangles(0, 3).length);
    }

    /**
     * eta(s): top s/2 rows positive, the rest negative, unit length; eta(1) is the single entry -1
     * (the top half is empty); transposing swaps the halves into left and right.
     */
    @Test
    void blocksHaveAPositiveAndANegativeHalfOfUnitLength() {
        assertArrayEquals(new double[] {-1}, SquareProposals.block(1, false), 1e-12);
        for (int s : new int[] {3, 5, 25}) {
            double[] eta = SquareProposals.block(s, false);
            double[] t = SquareProposals.block(s, true);
            double sum = 0;
            for (int row = 0; row < s; row++) {
                for (int col = 0; col < s; col++) {
                    double v = eta[row * s + col];
                    sum += v * v;
                    assertTrue(row < s / 2 ? v > 0 : v < 0, "sign at " + row + "," + col);
                    assertEquals(v, t[col * s + row], 0);
                }
            }
            assertEquals(1, sum, 1e-9);
        }
    }
}
