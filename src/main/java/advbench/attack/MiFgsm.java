package advbench.attack;

import advbench.SpecException;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.util.List;

/**
 * Momentum Iterative FGSM (Dong et al., 2018): accumulate a velocity of L1-normalised gradients,
 * {@code g_{t+1} = mu * g_t + grad / |grad|_1}, and step along its sign,
 * {@code x_{t+1} = clip_{x,eps}(x_t + alpha * sign(g_{t+1}))}.
 */
public final class MiFgsm extends IterativeAttack {
    private final double decay;

    public MiFgsm(String name, int steps, StepSize stepSize, double decay, Target target, Loss loss) {
        super(name, Norm.LINF, steps, stepSize, 1, target, loss);
        if (!(decay >= 0)) {
            throw new IllegalArgumentException(name + ": decay must be >= 0, got " + decay);
        }
        this.decay = decay;
    }

    @Override
    protected Update newUpdate() {
        return new Update() {
            private NDArray velocity;

            @Override
            public NDArray direction(NDArray gradient) {
                NDArray l1 = gradient.abs().sum(new int[] {1, 2, 3}, true).add(1e-12f);
                NDArray normalized = gradient.div(l1);
                velocity = velocity == null ? normalized : velocity.mul((float) decay).add(normalized);
                return velocity.sign();
            }

            @Override
            public void keep(NDArray rows) {
                if (velocity != null) {
                    velocity = velocity.get(rows);
                }
            }

            @Override
            public void attach(NDManager m) {
                if (velocity != null) {
                    velocity.attach(m);
                }
            }
        };
    }

    /** {@code type: mi-fgsm}. Defaults as in the paper: 10 steps of alpha = eps / steps, decay mu = 1. */
    public record Spec(String label, Integer steps, Double stepSize, Double relStepSize, Double decay, String loss,
                       List<Double> epsilons, Object target) implements AttackSpec {
        static final String TYPE = "mi-fgsm";

        public Spec {
            steps = ParamChecks.steps(TYPE, steps, 10);
            ParamChecks.stepSize(TYPE, stepSize, relStepSize);
            decay = decay == null ? 1.0 : decay;
            if (!(decay >= 0 && Double.isFinite(decay))) {
                throw new SpecException("decay", TYPE + " decay (mu) must be >= 0, got " + decay);
            }
            loss = ParamChecks.lossName(TYPE, loss);
            label = ParamChecks.label(label, "MI-FGSM-" + steps + ParamChecks.lossSuffix(loss) + ParamChecks.targetSuffix(target));
            epsilons = ParamChecks.epsilons(epsilons, Norm.LINF, "epsilons");
            target = ParamChecks.target(TYPE, target);
        }

        @Override
        public AttackSpec twiceTheSteps() {
            return new Spec(label, AttackSpec.twice(steps, advbench.SpecException.MAX_STEPS), stepSize,
                    ParamChecks.pinnedRelative(stepSize, relStepSize, 1.0 / steps), decay, loss, epsilons, target);
        }

        @Override
        public Attack build(long seed) {
            return new MiFgsm(label, steps, StepSize.of(stepSize, relStepSize, 1.0 / steps), decay,
                    Target.of(target, seed), Loss.named(loss));
        }
    }
}
