package advbench.attack;

import java.util.List;

/**
 * Basic Iterative Method / I-FGSM (Kurakin, Goodfellow and Bengio, 2017): FGSM repeated with a
 * small step, projected back onto the epsilon ball and [0, 1] after every step:
 * {@code x_{t+1} = clip_{x,eps}(x_t + alpha * sign(grad_x J(theta, x_t, y)))}, from x_0 = x.
 */
public final class Bim extends IterativeAttack {

    public Bim(String name, int steps, StepSize stepSize, Target target, Loss loss) {
        super(name, Norm.LINF, steps, stepSize, 1, target, loss);
    }

    /** {@code type: bim}. Defaults: 10 steps of alpha = 2.5 * eps / steps, cross-entropy. */
    public record Spec(String label, Integer steps, Double stepSize, Double relStepSize, String loss, List<Double> epsilons,
                       Object target) implements AttackSpec {
        static final String TYPE = "bim";

        public Spec {
            steps = ParamChecks.steps(TYPE, steps, 10);
            ParamChecks.stepSize(TYPE, stepSize, relStepSize);
            loss = ParamChecks.lossName(TYPE, loss);
            label = ParamChecks.label(label, "BIM-" + steps + ParamChecks.lossSuffix(loss) + ParamChecks.targetSuffix(target));
            epsilons = ParamChecks.epsilons(epsilons, Norm.LINF, "epsilons");
            target = ParamChecks.target(TYPE, target);
        }

        @Override
        public AttackSpec twiceTheSteps() {
            return new Spec(label, AttackSpec.twice(steps, advbench.SpecException.MAX_STEPS), stepSize,
                    ParamChecks.pinnedRelative(stepSize, relStepSize, 2.5 / steps), loss, epsilons, target);
        }

        @Override
        public Attack build(long seed) {
            return new Bim(label, steps, StepSize.of(stepSize, relStepSize, 2.5 / steps),
                    Target.of(target, seed), Loss.named(loss));
        }
    }
}
