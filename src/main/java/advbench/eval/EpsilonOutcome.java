package advbench.eval;

import advbench.attack.Rows;

/**
 * Per-sample results of one attack at one epsilon, aligned with the test set: the predicted
 * class, the target of a targeted attack (null when untargeted), and the size of the
 * perturbation actually applied, in L-infinity and L2. With the sweep's skipDecided, a sample
 * fooled at a smaller epsilon carries that perturbation (and its size) over; {@code attacked}
 * counts the samples actually attacked at this epsilon. For an ensemble, {@code stages} holds the
 * stage that decided each sample (see {@code Adversarial.stages}); null otherwise. {@code
 * disagreed} marks the samples whose attacked image the model classified otherwise than the
 * attack reported (the sweeper's re-check); they count as not fooled.
 */
public record EpsilonOutcome(double epsilon, int[] predicted, int[] targets, float[] linf, float[] l2, int[] attacked, int[] stages,
                             boolean[] disagreed) {

    public EpsilonOutcome(double epsilon, int[] predicted, int[] targets, float[] linf, float[] l2, int[] attacked) {
        this(epsilon, predicted, targets, linf, l2, attacked, null, new boolean[predicted.length]);
    }

    public int attackedCount() {
        return attacked[0];
    }

    /** How many samples the re-check found reported otherwise than the model classifies their image. */
    public int disagreements() {
        return Rows.where(disagreed).length;
    }
}
