package advbench.eval;

import advbench.attack.Attack;
import java.util.List;

/** An attack and the epsilons to sweep it over. */
public record PlannedAttack(Attack attack, List<Double> epsilons) {}
