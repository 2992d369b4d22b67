package advbench.experiment;

import advbench.attack.Attack;
import advbench.attack.Fgsm;

/**
 * Fast Gradient Sign Method (Goodfellow et al. 2015), L-infinity. It has no parameter beyond the
 * experiment's epsilons.
 *
 * @param label how the attack is named in tables and plots (default FGSM)
 */
public record FgsmSpec(String label) implements AttackSpec {
    public FgsmSpec {
        label = label == null ? "FGSM" : label;
        if (label.isBlank()) {
            throw new SpecException("label", "must not be blank");
        }
    }

    @Override
    public Attack build() {
        return new Fgsm(label);
    }
}
