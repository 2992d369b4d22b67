package advbench.report;

import java.math.BigDecimal;

/** Epsilon as people write it (0.05, not 0.050000 or 5.0E-2), and the tolerance to match one. */
public final class Epsilons {
    private Epsilons() {}

    /** Epsilons closer than this are the same budget (they come from decimal text). */
    public static final double TOLERANCE = 1e-9;

    public static String format(double eps) {
        return BigDecimal.valueOf(eps).stripTrailingZeros().toPlainString();
    }

    public static boolean same(double a, double b) {
        return Math.abs(a - b) <= TOLERANCE;
    }
}
