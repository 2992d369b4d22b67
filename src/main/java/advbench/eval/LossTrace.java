package advbench.eval;

/**
 * One traced run of an iterative attack on the indicators' subsample, at one epsilon: per sample,
 * the loss the attack ascends at each iterate (the start, then one per step) and whether that
 * iterate reached the goal. What the incomplete-optimisation and silent-success indicators read,
 * and what {@code loss-traces.csv} and the loss-trace figures show.
 *
 * @param attack the attack's name; for an ensemble, with the traced member in brackets
 * @param samples test indices
 * @param loss {@code loss[sample][iterate]}
 * @param success {@code success[sample][iterate]}
 */
public record LossTrace(String attack, double epsilon, int[] samples, float[][] loss, boolean[][] success) {
    /** Pintor et al.: over the last LAST_VALUES values, the rescaled running best may rise by at most STILL_RISING. */
    public static final int LAST_VALUES = 10;
    public static final double STILL_RISING = 0.05;
    /**
     * Fewest steps a run needs for the window to mean "the end": with 10 steps the last 10 values
     * are the whole run, and every trace that rose at all would count as still rising.
     */
    public static final int MIN_STEPS = 2 * LAST_VALUES;

    /** Whether any iterate of sample s reached the goal. */
    public boolean everSucceeded(int s) {
        for (boolean b : success[s]) {
            if (b) {
                return true;
            }
        }
        return false;
    }

    /**
     * Pintor et al.'s incomplete optimisation, for one sample's trace (ascended): rescale the loss
     * to [0, 1] by its own minimum and maximum, take its running best, and ask whether the best
     * still rose by more than {@value #STILL_RISING} over the last {@value #LAST_VALUES} values.
     */
    public static boolean stillRising(float[] trace) {
        double[] best = rescaledBest(trace);
        return best[best.length - 1] - best[Math.max(0, best.length - LAST_VALUES)] > STILL_RISING;
    }

    /**
     * The running best of a trace (the highest loss found up to each iterate), rescaled by the
     * trace's own minimum and maximum to [0, 1]; all 0 for a flat trace. What the indicator reads
     * and the loss-trace figure draws.
     */
    public static double[] rescaledBest(float[] trace) {
        double min = Double.POSITIVE_INFINITY;
        double max = Double.NEGATIVE_INFINITY;
        for (float v : trace) {
            min = Math.min(min, v);
            max = Math.max(max, v);
        }
        double[] best = new double[trace.length];
        for (int t = 0; t < trace.length; t++) {
            double v = max > min ? (trace[t] - min) / (max - min) : 0;
            best[t] = t == 0 ? v : Math.max(best[t - 1], v);
        }
        return best;
    }
}
