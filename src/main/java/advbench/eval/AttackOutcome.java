package advbench.eval;

import advbench.attack.Norm;
import java.util.List;

/** Per-sample results of one attack over the epsilon sweep, in increasing epsilon. */
public record AttackOutcome(String attack, Norm norm, List<EpsilonOutcome> perEpsilon) {}
