package advbench.eval;

import advbench.attack.Norm;
import java.util.List;

/**
 * Per-sample results of one attack over its epsilon sweep, in increasing epsilon.
 *
 * @param target how targets were chosen (least-likely, random, a class), or null when untargeted
 * @param stages for an ensemble, the names of its stages ("clean", then its attacks); null otherwise
 * @param forwardPerSample images passed forward through the model per test sample, over the whole sweep
 * @param backwardPerSample the same for backward passes (input gradients)
 * @param gradientFree whether the attack uses no gradient (Square)
 * @param minimalNorms for a minimum-norm attack, each test sample's smallest fooling perturbation
 *     in the attack's norm (0 if misclassified clean, +inf if none was found); null otherwise
 * @param recheckForwardPerSample images the re-check of the attack's results passed forward, per test sample
 * @param ensemble for an ensemble, what each stage cost and, for the fast version, its audit; null otherwise
 */
public record AttackOutcome(String attack, Norm norm, boolean iterative, String target, List<EpsilonOutcome> perEpsilon,
                            List<String> stages, double forwardPerSample, double backwardPerSample, boolean gradientFree,
                            double[] minimalNorms, double recheckForwardPerSample, Ensemble ensemble) {

    public AttackOutcome(String attack, Norm norm, boolean iterative, String target, List<EpsilonOutcome> perEpsilon) {
        this(attack, norm, iterative, target, perEpsilon, null, 0, 0, false, null, 0, null);
    }

    public AttackOutcome(String attack, Norm norm, boolean iterative, String target, List<EpsilonOutcome> perEpsilon,
                         List<String> stages, double forwardPerSample, double backwardPerSample, boolean gradientFree,
                         double[] minimalNorms, double recheckForwardPerSample) {
        this(attack, norm, iterative, target, perEpsilon, stages, forwardPerSample, backwardPerSample, gradientFree, minimalNorms,
                recheckForwardPerSample, null);
    }

    /**
     * An ensemble's record per epsilon (aligned with {@code perEpsilon}): each stage's cost, and
     * for the fast version its audit (null otherwise).
     */
    public record Ensemble(List<List<StageCost>> costs, List<FastAudit> audits) {}
}
