package advbench.experiment;

import advbench.attack.Attack;
import advbench.attack.Bim;
import advbench.attack.Norm;
import java.util.List;

/**
 * Basic Iterative Method (Kurakin et al. 2017), L-infinity, starting from the clean image.
 * Defaults: 10 steps of alpha = 2.5 * eps / steps.
 */
public record BimSpec(String label, Integer steps, Double stepSize, Double relStepSize, List<Double> epsilons,
                      Object target) implements AttackSpec {
    static final String TYPE = "bim";

    public BimSpec {
        steps = AttackParams.steps(TYPE, steps, 10);
        AttackParams.stepSize(TYPE, stepSize, relStepSize, 2.5 / steps);
        label = AttackParams.label(label, "BIM-" + steps + AttackParams.targetSuffix(target));
        epsilons = AttackParams.epsilons(epsilons, Norm.LINF, "epsilons");
        AttackParams.target(TYPE, target, 0);
    }

    @Override
    public Norm epsilonNorm() {
        return Norm.LINF;
    }

    @Override
    public Attack build(int seed) {
        return new Bim(label, steps, AttackParams.stepSize(TYPE, stepSize, relStepSize, 2.5 / steps),
                AttackParams.target(TYPE, target, seed));
    }
}
