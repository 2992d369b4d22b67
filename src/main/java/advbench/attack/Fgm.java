package advbench.attack;

import java.util.List;

/**
 * Fast Gradient Method in L2 (Goodfellow et al. 2015's single step, normalised in L2 as Foolbox's
 * L2FastGradientAttack does): {@code x_adv = clip(x + eps * g / |g|_2, 0, 1)}, one step of the
 * whole budget along the normalised gradient of the loss. FGSM's counterpart for L2 budgets: the
 * single-step baseline an L2 PGD should beat.
 */
public final class Fgm extends IterativeAttack {

    public Fgm(String name, Target target, Loss loss) {
        super(name, Norm.L2, 1, StepSize.relative(1.0), 1, target, loss);
    }

    @Override
    public boolean iterative() {
        return false;
    }

    /** {@code type: fgm}: one L2 step of size epsilon; its epsilons are L2 budgets, so it gives its own. */
    public record Spec(String label, String loss, List<Double> epsilons, Object target) implements AttackSpec {
        static final String TYPE = "fgm";

        public Spec {
            loss = ParamChecks.lossName(TYPE, loss);
            label = ParamChecks.label(label, "FGM-L2" + ParamChecks.lossSuffix(loss) + ParamChecks.targetSuffix(target));
            epsilons = ParamChecks.epsilons(epsilons, Norm.L2, "epsilons");
            target = ParamChecks.target(TYPE, target);
        }

        @Override
        public Norm epsilonNorm() {
            return Norm.L2;
        }

        @Override
        public Attack build(long seed) {
            return new Fgm(label, Target.of(target, seed), Loss.named(loss));
        }
    }
}
