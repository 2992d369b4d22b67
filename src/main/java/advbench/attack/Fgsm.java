package advbench.attack;

import advbench.model.Classifier;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.util.List;

/**
 * Fast Gradient Sign Method (Goodfellow, Shlens and Szegedy, 2015):
 * {@code x_adv = clip(x + eps * sign(grad_x J(theta, x, y)), 0, 1)}; targeted, it descends the
 * loss of the target instead: {@code x - eps * sign(grad_x J(theta, x, t))}.
 *
 * <p>The gradient does not depend on epsilon, so in a sweep one forward and backward pass serves
 * every epsilon ({@link #bind}); after it, each epsilon costs one forward pass over the samples
 * still open. On a test batch whose clean pass the evaluator has already run (the same forward
 * and backward pass, untargeted cross-entropy of the true labels), it reuses that pass.
 */
public final class Fgsm implements Attack {
    private final String name;
    private final Target target;
    private final Loss loss;

    public Fgsm(String name, Target target, Loss loss) {
        this.name = name;
        this.target = target;
        this.loss = loss;
    }

    /** Untargeted, cross-entropy: Goodfellow et al.'s attack. */
    public Fgsm() {
        this("FGSM", null, Loss.crossEntropy());
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public Norm norm() {
        return Norm.LINF;
    }

    @Override
    public Target target() {
        return target;
    }

    /** Untargeted with cross-entropy, its pass is exactly the clean pass. */
    @Override
    public boolean reusesCleanPass() {
        return target == null && loss instanceof Loss.CrossEntropyLoss;
    }

    @Override
    public Adversarial attack(Classifier model, Batch batch, Goal goal, double eps) {
        Attack.checkEpsilon(name, eps);
        try (Bound bound = bind(model, batch, goal)) {
            return bound.at(Rows.all(batch.size()), eps, batch.draw());
        }
    }

    /** One forward and backward pass for every epsilon; its logits are the eps = 0 prediction. */
    @Override
    public Bound bind(Classifier model, Batch batch, Goal goal) {
        NDArray x = batch.images();
        Classifier.Gradient shared = reusesCleanPass() && !goal.targeted() ? batch.cleanPass() : null;
        NDArray direction;
        int[] clean;
        if (shared != null) {
            clean = Classifier.argMax(shared.logits());
            direction = shared.gradient().sign();
        } else {
            try (NDManager scope = x.getManager().newSubManager()) {
                // on a copy in this scope, so that the loss's intermediate arrays die with it
                NDArray input = x.duplicate();
                input.attach(scope);
                Classifier.Gradient g = model.gradientOf(input, logits -> loss.value(logits, goal));
                clean = Classifier.argMax(g.logits());
                direction = g.gradient().sign();
                direction.attach(x.getManager());
            }
        }
        return new Bound() {
            @Override
            public Adversarial at(int[] rows, double eps, int draw) {
                Attack.checkEpsilon(name, eps);
                Goal sub = goal.select(rows);
                try (Batch part = batch.select(rows); NDManager scope = x.getManager().newSubManager()) {
                    if (eps == 0) {
                        return Adversarial.of(0, part.images().duplicate(), Rows.pick(clean, rows), sub);
                    }
                    NDArray dir = direction;
                    if (part.size() < batch.size()) {
                        dir = direction.get(scope.create(Rows.toLong(rows)));
                        dir.attach(scope);
                    }
                    NDArray step = dir.mul((float) eps);
                    step.attach(scope); // the step and the unclipped sum die with the scope
                    NDArray moved = part.images().add(step);
                    moved.attach(scope);
                    NDArray adv = moved.clip(0f, 1f);
                    adv.attach(x.getManager());
                    return Adversarial.of(eps, adv, model.predict(adv), sub);
                }
            }

            @Override
            public void close() {
                direction.close();
            }
        };
    }

    /** {@code type: fgsm}: one step of size epsilon, cross-entropy unless {@code loss} says margin. */
    public record Spec(String label, String loss, List<Double> epsilons, Object target) implements AttackSpec {
        static final String TYPE = "fgsm";

        public Spec {
            loss = ParamChecks.lossName(TYPE, loss);
            label = ParamChecks.label(label, "FGSM" + ParamChecks.lossSuffix(loss) + ParamChecks.targetSuffix(target));
            epsilons = ParamChecks.epsilons(epsilons, Norm.LINF, "epsilons");
            target = ParamChecks.target(TYPE, target);
        }

        @Override
        public Attack build(long seed) {
            return new Fgsm(label, Target.of(target, seed), Loss.named(loss));
        }
    }
}
