package advbench.attack;

import ai.djl.ndarray.NDArray;

/**
 * An attack's result at one epsilon: the adversarial images, what the model predicts for them,
 * the per-sample targets of a targeted attack (null when untargeted; {@link Target#NONE} for a
 * sample that was not attacked), which samples the attack succeeded on (the prediction differs
 * from the true label, or, when targeted, equals the target), and how many samples were actually
 * attacked at this epsilon (fewer than the batch when {@link Sweep#skipDecided} carried earlier
 * successes over).
 */
public record Adversarial(double epsilon, NDArray images, int[] predicted, int[] targets, boolean[] success, int attacked) {

    public static Adversarial of(double epsilon, NDArray images, int[] predicted, int[] labels, int[] targets) {
        return new Adversarial(epsilon, images, predicted, targets, Goal.success(predicted, labels, targets), predicted.length);
    }
}
