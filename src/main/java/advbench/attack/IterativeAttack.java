package advbench.attack;

import advbench.model.Classifier;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * The loop shared by BIM, PGD and MI-FGSM: from a start point, repeat
 * {@code x <- project(x + alpha * update(grad))} for a number of steps, over one or more
 * restarts. Per sample it keeps the first iterate that succeeds (at any step of any restart),
 * so a success is never lost by a later step; samples that never succeed end at the last
 * restart's final iterate.
 *
 * <p>Each step runs in its own NDManager scope that only the new iterate outlives, so native
 * memory does not grow with the number of steps.
 */
public abstract class IterativeAttack implements Attack {
    protected final String name;
    protected final Norm norm;
    protected final int steps;
    protected final StepSize stepSize;
    protected final int restarts;
    protected final Target target;

    protected IterativeAttack(String name, Norm norm, int steps, StepSize stepSize, int restarts, Target target) {
        if (steps < 1) {
            throw new IllegalArgumentException(name + ": steps must be at least 1, got " + steps);
        }
        if (restarts < 1) {
            throw new IllegalArgumentException(name + ": restarts must be at least 1, got " + restarts);
        }
        this.name = name;
        this.norm = norm;
        this.steps = steps;
        this.stepSize = stepSize;
        this.restarts = restarts;
        this.target = target;
    }

    /** Per-restart state of the update rule (MI-FGSM's momentum lives here). */
    protected interface Update {
        /** The step direction from the gradient of the attack objective (already oriented to ascend it). */
        NDArray direction(NDArray ascentGradient);
    }

    /** A fresh update rule for one restart; state it keeps across steps must live in {@code owner}. */
    protected abstract Update newUpdate(NDManager owner);

    /** Where restart {@code r} begins; x itself unless the attack starts at random. */
    protected NDArray start(NDArray x, Batch batch, double eps, int restart) {
        return x.duplicate();
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public Norm norm() {
        return norm;
    }

    @Override
    public boolean iterative() {
        return true;
    }

    @Override
    public Target target() {
        return target;
    }

    @Override
    public List<Adversarial> run(Classifier model, Batch batch, List<Double> epsilons) {
        Attack.checkEpsilons(name, epsilons);
        Goal goal = new Goal(batch.labels(), Attack.targets(target, model, batch));
        List<Adversarial> out = new ArrayList<>(epsilons.size());
        for (double eps : epsilons) {
            out.add(eps == 0 ? unchanged(model, batch, goal) : attack(model, batch, goal, eps));
        }
        return out;
    }

    private Adversarial unchanged(Classifier model, Batch batch, Goal goal) {
        NDArray x = batch.images().duplicate();
        return Adversarial.of(0, x, model.predict(x), goal.labels(), goal.targets());
    }

    private Adversarial attack(Classifier model, Batch batch, Goal goal, double eps) {
        FirstSuccess kept = new FirstSuccess(batch.size());
        NDArray last = null;
        for (int r = 0; r < restarts; r++) {
            if (last != null) {
                last.close();
            }
            last = iterate(model, batch, goal, eps, r, kept);
            kept.offer(last, goal.success(model.predict(last)), batch.images().getManager());
        }
        NDArray result = kept.result(last);
        return Adversarial.of(eps, result, model.predict(result), goal.labels(), goal.targets());
    }

    /**
     * The final iterate of one run of the loop, untargeted, with no success bookkeeping: what
     * adversarial training feeds to the model (Madry et al. train on the last PGD iterate). The
     * random stream is {@code restart}, so a trainer can draw fresh starts every epoch.
     */
    public NDArray craft(Classifier model, Batch batch, double eps, int restart) {
        return iterate(model, batch, new Goal(batch.labels(), null), eps, restart, null);
    }

    /** steps x (gradient, step, projection) from the start of restart r; offers each iterate to kept. */
    private NDArray iterate(Classifier model, Batch batch, Goal goal, double eps, int restart, FirstSuccess kept) {
        NDArray x = batch.images();
        NDManager outer = x.getManager();
        float alpha = (float) stepSize.at(eps);
        int[] lossLabels = goal.lossLabels();
        NDArray direction = outer.create(goal.direction(), new Shape(batch.size(), 1, 1, 1));
        NDArray xAdv = start(x, batch, eps, restart);
        Update update = newUpdate(outer);
        for (int t = 0; t < steps; t++) {
            try (NDManager scope = outer.newSubManager()) {
                xAdv.attach(scope); // the old iterate dies with the scope
                Classifier.Gradient g = model.gradientAndLogits(xAdv, lossLabels);
                if (kept != null) {
                    kept.offer(xAdv, goal.success(Classifier.argMax(g.logits())), outer);
                }
                NDArray next = norm.project(xAdv.add(update.direction(g.gradient().mul(direction)).mul(alpha)), x, eps);
                next.attach(outer);
                xAdv = next;
            }
        }
        direction.close();
        return xAdv;
    }

    /** A per-sample uniform point of the eps-ball around x, drawn from (seed, sample id, restart). */
    protected NDArray randomStart(NDArray x, Batch batch, double eps, int restart, long seed) {
        int n = batch.size();
        int d = (int) (x.size() / n);
        float[] noise = new float[n * d];
        for (int i = 0; i < n; i++) {
            norm.fillUnitBall(noise, i * d, d, new SplittableRandom(SampleSeeds.of(seed, batch.sampleIds()[i], restart)));
        }
        try (NDManager scope = x.getManager().newSubManager()) {
            NDArray start = norm.project(scope.create(noise, x.getShape()).mul((float) eps).add(x), x, eps);
            start.attach(x.getManager());
            return start;
        }
    }

    /** Keeps, per sample, the first iterate that succeeded. */
    private static final class FirstSuccess {
        private final boolean[] found;
        private NDArray kept;

        FirstSuccess(int n) {
            found = new boolean[n];
        }

        void offer(NDArray iterate, boolean[] success, NDManager owner) {
            float[] take = new float[found.length];
            boolean any = false;
            for (int i = 0; i < found.length; i++) {
                if (success[i] && !found[i]) {
                    found[i] = true;
                    take[i] = 1f;
                    any = true;
                }
            }
            if (!any) {
                return;
            }
            try (NDManager scope = owner.newSubManager()) {
                NDArray mask = scope.create(take, new Shape(found.length, 1, 1, 1));
                // expressions start from scope arrays, so intermediates die with the scope
                NDArray blended = kept == null ? mask.mul(iterate) : mask.neg().add(1f).mul(kept).add(mask.mul(iterate));
                blended.attach(owner);
                if (kept != null) {
                    kept.close();
                }
                kept = blended;
            }
        }

        /** The kept iterate where one succeeded, {@code fallback} elsewhere. */
        NDArray result(NDArray fallback) {
            if (kept == null) {
                return fallback;
            }
            float[] keep = new float[found.length];
            for (int i = 0; i < found.length; i++) {
                keep[i] = found[i] ? 1f : 0f;
            }
            NDManager owner = fallback.getManager();
            NDArray result;
            try (NDManager scope = owner.newSubManager()) {
                NDArray mask = scope.create(keep, new Shape(found.length, 1, 1, 1));
                result = mask.mul(kept).add(mask.neg().add(1f).mul(fallback));
                result.attach(owner);
            }
            kept.close();
            fallback.close();
            return result;
        }
    }
}
