package advbench.attack;

import advbench.model.Classifier;

/**
 * An iterative attack whose run can be followed step by step: what the indicators of attack
 * failure read (is the loss still rising at the last steps; did an iterate reach the goal that
 * the attack's answer does not show). A traced run is the attack's own run with no early stop.
 */
public interface Traceable extends Attack {

    /**
     * Per iterate (row 0 the start, then one row per step) and sample: the loss the attack
     * ascends and whether that iterate reached the goal.
     */
    record Trace(double[][] loss, boolean[][] success) {}

    /** One run at {@code eps} on the whole batch, every sample through every step. */
    Trace trace(Classifier model, Batch batch, Goal goal, double eps);
}
