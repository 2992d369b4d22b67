package advbench.experiment;

import advbench.attack.Attack;
import advbench.attack.MiFgsm;
import advbench.attack.Norm;
import java.util.List;

/**
 * Momentum Iterative FGSM (Dong et al. 2018), L-infinity. Defaults as in the paper: 10 steps of
 * alpha = eps / steps, decay mu = 1.
 */
public record MiFgsmSpec(String label, Integer steps, Double stepSize, Double relStepSize, Double decay,
                         List<Double> epsilons, Object target) implements AttackSpec {
    static final String TYPE = "mi-fgsm";

    public MiFgsmSpec {
        steps = AttackParams.steps(TYPE, steps, 10);
        AttackParams.stepSize(TYPE, stepSize, relStepSize, 1.0 / steps);
        decay = decay == null ? 1.0 : decay;
        if (!(decay >= 0)) {
            throw new SpecException("decay", TYPE + " decay (mu) must be >= 0, got " + decay);
        }
        label = AttackParams.label(label, "MI-FGSM-" + steps + AttackParams.targetSuffix(target));
        epsilons = AttackParams.epsilons(epsilons, Norm.LINF, "epsilons");
        AttackParams.target(TYPE, target, 0);
    }

    @Override
    public Norm epsilonNorm() {
        return Norm.LINF;
    }

    @Override
    public Attack build(int seed) {
        return new MiFgsm(label, steps, AttackParams.stepSize(TYPE, stepSize, relStepSize, 1.0 / steps), decay,
                AttackParams.target(TYPE, target, seed));
    }
}
