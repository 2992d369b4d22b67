package advbench.attack;

import advbench.model.Classifier;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.ArrayList;
import java.util.List;

/**
 * Fast Gradient Sign Method (Goodfellow, Shlens and Szegedy, 2015):
 * {@code x_adv = clip(x + eps * sign(grad_x J(theta, x, y)), 0, 1)}; targeted, it descends the
 * loss of the target instead: {@code x - eps * sign(grad_x J(theta, x, t))}.
 *
 * <p>The gradient does not depend on epsilon, so one forward and backward pass serves the whole
 * list of epsilons.
 */
public final class Fgsm implements Attack {
    private final String name;
    private final Target target;

    public Fgsm(String name, Target target) {
        this.name = name;
        this.target = target;
    }

    public Fgsm() {
        this("FGSM", null);
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

    @Override
    public List<Adversarial> run(Classifier model, Batch batch, List<Double> epsilons) {
        Attack.checkEpsilons(name, epsilons);
        NDArray x = batch.images();
        Goal goal = new Goal(batch.labels(), Attack.targets(target, model, batch));
        List<Adversarial> out = new ArrayList<>(epsilons.size());
        NDArray direction;
        try (NDManager scope = x.getManager().newSubManager()) {
            NDArray grad = model.lossGradient(x, goal.lossLabels());
            grad.attach(scope);
            NDArray dir = scope.create(goal.direction(), new Shape(batch.size(), 1, 1, 1));
            direction = grad.sign().mul(dir);
            direction.attach(x.getManager());
        }
        for (double eps : epsilons) {
            NDArray adv = eps == 0 ? x.duplicate() : x.add(direction.mul((float) eps)).clip(0f, 1f);
            out.add(Adversarial.of(eps, adv, model.predict(adv), batch.labels(), goal.targets()));
        }
        direction.close();
        return out;
    }
}
