package advbench.eval;

import advbench.attack.Norm;
import java.util.List;

/**
 * Per-sample results of one attack over its epsilon sweep, in increasing epsilon.
 *
 * @param target how targets were chosen (least-likely, random, a class), or null when untargeted
 */
public record AttackOutcome(String attack, Norm norm, boolean iterative, String target, List<EpsilonOutcome> perEpsilon) {}
