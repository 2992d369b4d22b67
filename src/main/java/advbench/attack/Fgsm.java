package advbench.attack;

import advbench.model.Classifier;
import ai.djl.ndarray.NDArray;
import java.util.ArrayList;
import java.util.List;

/**
 * Fast Gradient Sign Method (Goodfellow, Shlens and Szegedy, 2015):
 * {@code x_adv = clip(x + eps * sign(grad_x J(theta, x, y)), 0, 1)}.
 *
 * <p>The gradient does not depend on epsilon, so one forward and backward pass serves the whole
 * list of epsilons.
 */
public final class Fgsm implements Attack {
    private final String name;

    public Fgsm(String name) {
        this.name = name;
    }

    public Fgsm() {
        this("FGSM");
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
    public List<NDArray> perturb(Classifier model, Batch batch, List<Double> epsilons) {
        Attack.checkEpsilons(name, epsilons);
        NDArray x = batch.images();
        List<NDArray> out = new ArrayList<>(epsilons.size());
        try (NDArray grad = model.lossGradient(x, batch.labels()); NDArray direction = grad.sign()) {
            for (double eps : epsilons) {
                out.add(eps == 0 ? x.duplicate() : x.add(direction.mul((float) eps)).clip(0f, 1f));
            }
        }
        return out;
    }
}
