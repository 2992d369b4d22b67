package advbench.attack;

import advbench.model.Classifier;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.List;

/**
 * Fast Gradient Sign Method (Goodfellow, Shlens and Szegedy, 2015):
 * {@code x_adv = clip(x + eps * sign(grad_x J(theta, x, y)), 0, 1)}; targeted, it descends the
 * loss of the target instead: {@code x - eps * sign(grad_x J(theta, x, t))}.
 *
 * <p>The gradient does not depend on epsilon, so one forward and backward pass serves the whole
 * list of epsilons; after it, each epsilon costs one forward pass over the samples still open.
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
    public List<Adversarial> run(Classifier model, Batch batch, List<Double> epsilons, Sweep sweep) {
        Attack.checkEpsilons(name, epsilons);
        NDArray x = batch.images();
        Goal goal = new Goal(batch.labels(), Attack.targets(target, model, batch));
        // One forward and backward pass for all epsilons; its logits are the eps = 0 prediction.
        NDArray direction;
        int[] clean;
        try (NDManager scope = x.getManager().newSubManager()) {
            Classifier.Gradient g = model.gradientAndLogits(x, goal.lossLabels());
            g.gradient().attach(scope);
            g.logits().attach(scope);
            clean = Classifier.argMax(g.logits());
            NDArray dir = scope.create(goal.direction(), new Shape(batch.size(), 1, 1, 1));
            direction = g.gradient().sign().mul(dir);
            direction.attach(x.getManager());
        }
        List<Adversarial> out = EpsilonSweep.run(batch, epsilons, sweep.skipDecided(), (rows, eps) -> {
            Goal g = goal.select(rows);
            if (eps == 0) {
                Batch sub = batch.select(rows);
                NDArray images = sub == batch ? x.duplicate() : sub.images();
                return Adversarial.of(0, images, Rows.pick(clean, rows), g.labels(), g.targets());
            }
            try (NDManager scope = x.getManager().newSubManager()) {
                Batch sub = batch.select(rows);
                NDArray dir = sub == batch ? direction : direction.get(scope.create(Rows.toLong(rows)));
                NDArray adv = sub.images().add(dir.mul((float) eps)).clip(0f, 1f);
                adv.attach(x.getManager());
                if (sub != batch) {
                    sub.images().close();
                }
                return Adversarial.of(eps, adv, model.predict(adv), g.labels(), g.targets());
            }
        });
        direction.close();
        return out;
    }
}
