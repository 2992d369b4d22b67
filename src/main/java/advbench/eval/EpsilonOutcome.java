package advbench.eval;

/**
 * Per-sample results of one attack at one epsilon, aligned with the test set: the predicted
 * class, the target of a targeted attack (null when untargeted), and the size of the
 * perturbation actually applied, in L-infinity and L2. With the sweep's skipDecided, a sample
 * fooled at a smaller epsilon carries that perturbation (and its size) over; {@code attacked}
 * counts the samples actually attacked at this epsilon. For an ensemble, {@code stages} holds the
 * stage that decided each sample (see {@code Adversarial.stages}); null otherwise.
 */
public record EpsilonOutcome(double epsilon, int[] predicted, int[] targets, float[] linf, float[] l2, int[] attacked, int[] stages) {

    public EpsilonOutcome(double epsilon, int[] predicted, int[] targets, float[] linf, float[] l2, int[] attacked) {
        this(epsilon, predicted, targets, linf, l2, attacked, null);
    }

    public int attackedCount() {
        return attacked[0];
    }
}
