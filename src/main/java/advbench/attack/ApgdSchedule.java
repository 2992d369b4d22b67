package advbench.attack;

import java.util.Arrays;

/**
 * APGD's step-size schedule (Croce and Hein, 2020; fra31/auto-attack, autopgd_base.py), plain
 * arithmetic on each sample's loss values, with no model: per sample the step starts at 2 eps; at
 * checkpoints (after 22, 41, 57, 70, 80, 87, 93 and 99 of 100 steps) a sample halves its step
 * when its loss rose in at most 75% of the steps since the last checkpoint (condition 1), or when
 * its step was not halved last time and its best loss did not improve since (condition 2). A
 * sample whose step is halved goes back to its best point ({@link Apgd} moves it).
 *
 * <p>The reference's quirks are kept, since AutoAttack's numbers come from them: the first
 * checkpoint compares the first step's loss with an unfilled (zero) entry, condition 1 counts
 * "at most 75%" with {@code <=}, and condition 2 cannot fire at the first checkpoint.
 *
 * <p>Samples are indexed by their row in the batch; a sample that leaves the run early is simply
 * never asked about again.
 */
final class ApgdSchedule {
    /** The reference's threshold for condition 1 (rho). */
    static final double RHO = 0.75;

    private final int steps;
    private final int[] intervals;
    private final double[] stepSize;
    private final double[] lossBest;
    private final double[] lossBestLastCheck;
    private final boolean[] reducedLastCheck;
    /** lossSteps[t - 1][row]: the loss of iterate t; zeros where unfilled, which the first window reads. */
    private final double[][] lossSteps;
    private int interval;
    private int sinceCheck;

    ApgdSchedule(int steps, int rows, double eps) {
        this.steps = steps;
        this.intervals = checkpointIntervals(steps);
        this.stepSize = new double[rows];
        Arrays.fill(stepSize, 2 * eps);
        this.lossBest = new double[rows];
        this.lossBestLastCheck = new double[rows];
        this.reducedLastCheck = new boolean[rows];
        Arrays.fill(reducedLastCheck, true);
        this.lossSteps = new double[steps][rows];
        this.interval = intervals[0];
    }

    /** The checkpoints' first interval, its decrement and its minimum, as the reference computes them. */
    static int[] checkpointIntervals(int steps) {
        return new int[] {Math.max((int) (0.22 * steps), 1), Math.max((int) (0.03 * steps), 1), Math.max((int) (0.06 * steps), 1)};
    }

    /** The start point's losses: the best so far. */
    void start(int[] rows, double[] losses) {
        for (int j = 0; j < rows.length; j++) {
            lossBest[rows[j]] = losses[j];
        }
    }

    /** Iterate t's losses (t >= 1); per position, whether the sample's best loss improved. */
    boolean[] record(int t, int[] rows, double[] losses) {
        boolean[] improved = new boolean[rows.length];
        for (int j = 0; j < rows.length; j++) {
            int r = rows[j];
            lossSteps[t - 1][r] = losses[j];
            improved[j] = losses[j] > lossBest[r];
            if (improved[j]) {
                lossBest[r] = losses[j];
            }
        }
        return improved;
    }

    /**
     * After {@link #record} of iterate t: null unless t ends a checkpoint interval; then, per
     * position, whether the sample halves its step (and goes back to its best point).
     */
    boolean[] checkpoint(int t, int[] rows) {
        if (++sinceCheck < interval) {
            return null;
        }
        int last = t - 1;
        boolean[] halve = new boolean[rows.length];
        for (int j = 0; j < rows.length; j++) {
            int r = rows[j];
            int rises = 0;
            for (int c = 0; c < interval; c++) {
                int at = last - c;
                rises += lossSteps[at][r] > lossSteps[Math.floorMod(at - 1, steps)][r] ? 1 : 0;
            }
            boolean oscillating = rises <= interval * RHO;
            boolean stalled = !reducedLastCheck[r] && lossBestLastCheck[r] >= lossBest[r];
            halve[j] = oscillating || stalled;
            reducedLastCheck[r] = halve[j];
            lossBestLastCheck[r] = lossBest[r];
            if (halve[j]) {
                stepSize[r] /= 2;
            }
        }
        interval = Math.max(interval - intervals[1], intervals[2]);
        sinceCheck = 0;
        return halve;
    }

    /** The current step sizes of the given rows. */
    float[] stepSizes(int[] rows) {
        float[] v = new float[rows.length];
        for (int j = 0; j < rows.length; j++) {
            v[j] = (float) stepSize[rows[j]];
        }
        return v;
    }
}
