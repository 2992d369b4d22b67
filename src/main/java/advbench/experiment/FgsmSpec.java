package advbench.experiment;

import advbench.attack.Attack;
import advbench.attack.Fgsm;
import advbench.attack.Norm;
import java.util.List;

/**
 * Fast Gradient Sign Method (Goodfellow et al. 2015), L-infinity, one step of size epsilon.
 *
 * @param label how the attack is named in tables and plots (default FGSM)
 * @param epsilons this attack's own sweep, instead of the experiment's
 * @param target least-likely, random or a class 0-9 for a targeted attack
 */
public record FgsmSpec(String label, List<Double> epsilons, Object target) implements AttackSpec {
    static final String TYPE = "fgsm";

    public FgsmSpec {
        label = AttackParams.label(label, "FGSM" + AttackParams.targetSuffix(target));
        epsilons = AttackParams.epsilons(epsilons, Norm.LINF, "epsilons");
        AttackParams.target(TYPE, target, 0);
    }

    @Override
    public Norm epsilonNorm() {
        return Norm.LINF;
    }

    @Override
    public Attack build(int seed) {
        return new Fgsm(label, AttackParams.target(TYPE, target, seed));
    }
}
