package advbench.attack;

import ai.djl.ndarray.NDArray;

/**
 * An attack's result at one epsilon: the adversarial images, what the model predicts for them,
 * the per-sample targets of a targeted attack (null when untargeted; {@link Target#NONE} for a
 * sample that was not attacked), which samples reached the goal, and how many samples were
 * actually attacked at this epsilon (fewer than the batch when a sweep carried earlier successes
 * over). An ensemble also says, per sample, which of its stages decided it ({@code stages}: 0 the
 * clean prediction, k the k-th attack, -1 none); null for a single attack.
 */
public record Adversarial(double epsilon, NDArray images, int[] predicted, int[] targets, boolean[] success, int attacked,
                          int[] stages) {

    public Adversarial(double epsilon, NDArray images, int[] predicted, int[] targets, boolean[] success, int attacked) {
        this(epsilon, images, predicted, targets, success, attacked, null);
    }

    /** Every sample attacked, success judged by the goal. */
    public static Adversarial of(double epsilon, NDArray images, int[] predicted, Goal goal) {
        return new Adversarial(epsilon, images, predicted, goal.targets(), goal.success(predicted), predicted.length);
    }
}
