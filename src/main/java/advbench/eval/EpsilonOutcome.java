package advbench.eval;

/**
 * Per-sample results of one attack at one epsilon, aligned with the test set: the predicted
 * class, the target of a targeted attack (null when untargeted), and the size of the
 * perturbation actually applied, in L-infinity and L2.
 */
public record EpsilonOutcome(double epsilon, int[] predicted, int[] targets, float[] linf, float[] l2) {}
