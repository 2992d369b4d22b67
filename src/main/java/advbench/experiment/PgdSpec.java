package advbench.experiment;

import advbench.attack.Attack;
import advbench.attack.Norm;
import advbench.attack.Pgd;
import java.util.List;

/**
 * Projected Gradient Descent (Madry et al. 2018) in L-infinity or L2. Defaults: 40 steps of
 * alpha = 2.5 * eps / steps from a uniform random start, one restart.
 */
public record PgdSpec(String label, String norm, Integer steps, Double stepSize, Double relStepSize, Integer restarts,
                      Boolean randomStart, List<Double> epsilons, Object target) implements AttackSpec {
    static final String TYPE = "pgd";

    public PgdSpec {
        Norm n = AttackParams.norm(TYPE, norm);
        norm = n == Norm.L2 ? "l2" : "linf";
        steps = AttackParams.steps(TYPE, steps, 40);
        AttackParams.stepSize(TYPE, stepSize, relStepSize, 2.5 / steps);
        restarts = restarts == null ? 1 : restarts;
        if (restarts < 1) {
            throw new SpecException("restarts", TYPE + " restarts must be at least 1, got " + restarts);
        }
        randomStart = randomStart == null || randomStart;
        label = AttackParams.label(label, "PGD" + (n == Norm.L2 ? "-L2-" : "-") + steps
                + (restarts > 1 ? "x" + restarts : "") + AttackParams.targetSuffix(target));
        epsilons = AttackParams.epsilons(epsilons, n, "epsilons");
        AttackParams.target(TYPE, target, 0);
    }

    @Override
    public Norm epsilonNorm() {
        return Norm.parse(norm);
    }

    @Override
    public Attack build(int seed) {
        return new Pgd(label, epsilonNorm(), steps, AttackParams.stepSize(TYPE, stepSize, relStepSize, 2.5 / steps), restarts,
                randomStart, seed, AttackParams.target(TYPE, target, seed));
    }
}
