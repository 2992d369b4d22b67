package advbench.attack;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The Square Attack's schedule, by hand: what AutoAttack's settings give on MNIST and CIFAR image sizes. */
class SquareTest {

    static List<Integer> sides(int h, int w) {
        List<Integer> s = new ArrayList<>();
        for (int it : new int[] {0, 10, 11, 50, 51, 200, 201, 500, 501, 1000, 1001, 2000, 2001, 4000, 4001, 4999}) {
            s.add(Square.side(Square.p(0.8, it), h, w));
        }
        return s;
    }

    @Test
    void pHalvesAtThePublishedIterations() {
        assertEquals(0.8, Square.p(0.8, 10));
        assertEquals(0.4, Square.p(0.8, 11));
        assertEquals(0.8 / 128, Square.p(0.8, 4001));
        assertEquals(0.8 / 512, Square.p(0.8, 9000));
    }

    /** 28 x 28: 25, 18, 13, 9, 6, 4, 3, then 2; 32 x 32: 29, 20, 14, 10, 7, 5, 4, then 3. */
    @Test
    void windowSidesForMnistAndCifar() {
        assertEquals(List.of(25, 25, 18, 18, 13, 13, 9, 9, 6, 6, 4, 4, 3, 3, 2, 2), sides(28, 28));
        assertEquals(List.of(29, 29, 20, 20, 14, 14, 10, 10, 7, 7, 5, 5, 4, 4, 3, 3), sides(32, 32));
        assertEquals(1, Square.side(0.001, 4, 4), "at least one pixel");
        assertEquals(4, Square.side(1.0, 4, 8), "at most the image");
    }
}
