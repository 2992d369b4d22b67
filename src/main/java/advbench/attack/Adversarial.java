package advbench.attack;

import ai.djl.ndarray.NDArray;

/**
 * An attack's result at one epsilon: the adversarial images, what the model predicts for them,
 * and which samples the attack fooled (prediction differs from the true label).
 */
public record Adversarial(double epsilon, NDArray images, int[] predicted, boolean[] fooled) {}
