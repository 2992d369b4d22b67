package advbench.eval;

import advbench.attack.Attack;
import java.util.List;

/**
 * An attack and the epsilons to sweep it over.
 *
 * @param longer the same attack with twice the steps (for the convergence indicator), or null
 */
public record PlannedAttack(Attack attack, List<Double> epsilons, Attack longer) {

    public PlannedAttack(Attack attack, List<Double> epsilons) {
        this(attack, epsilons, null);
    }
}
