package advbench.attack;

import advbench.model.Classifier;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/**
 * The loop shared by BIM, PGD and MI-FGSM: from a start point, repeat
 * {@code x <- project(x + alpha * update(grad))} for a number of steps, over one or more
 * restarts. Per sample it keeps the first iterate that succeeds (at any step of any restart),
 * so a success is never lost by a later step; samples that never succeed end at the last
 * restart's final iterate. With {@link Sweep#earlyStop} a sample also stops costing gradients
 * at that first success; the result is the same.
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
    protected interface Update extends AutoCloseable {
        /** The step direction from the gradient of the attack objective (already oriented to ascend it). */
        NDArray direction(NDArray ascentGradient);

        /** Keeps only the given rows of any per-sample state, as decided samples leave the loop. */
        default void keep(NDArray rows) {}

        @Override
        default void close() {}
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
    public List<Adversarial> run(Classifier model, Batch batch, List<Double> epsilons, Sweep sweep) {
        Attack.checkEpsilons(name, epsilons);
        Goal goal = new Goal(batch.labels(), Attack.targets(target, model, batch));
        return EpsilonSweep.run(batch, epsilons, sweep.skipDecided(), (rows, eps) -> {
            Batch sub = batch.select(rows);
            Goal subGoal = goal.select(rows);
            Adversarial adv = eps == 0 ? unchanged(model, sub, subGoal) : attack(model, sub, subGoal, eps, sweep.earlyStop());
            if (sub != batch) {
                sub.images().close();
            }
            return adv;
        });
    }

    private Adversarial unchanged(Classifier model, Batch batch, Goal goal) {
        NDArray x = batch.images().duplicate();
        return Adversarial.of(0, x, model.predict(x), goal.labels(), goal.targets());
    }

    /** All restarts at one epsilon; with earlyStop a restart only runs on the samples still open. */
    private Adversarial attack(Classifier model, Batch batch, Goal goal, double eps, boolean earlyStop) {
        BestIterates best = new BestIterates(batch.size(), (int) (batch.images().size() / batch.size()));
        for (int r = 0; r < restarts; r++) {
            int[] rows = earlyStop ? best.open() : EpsilonSweep.allRows(batch.size());
            if (rows.length == 0) {
                break;
            }
            Batch sub = batch.select(rows);
            runRestart(model, sub, goal.select(rows), eps, r, rows, best, earlyStop);
            if (sub != batch) {
                sub.images().close();
            }
        }
        NDArray images = batch.images().getManager().create(best.pixels(), batch.images().getShape());
        return Adversarial.of(eps, images, best.predicted(), goal.labels(), goal.targets());
    }

    /**
     * The final iterate of one run of the loop, untargeted, with no success bookkeeping: what
     * adversarial training feeds to the model (Madry et al. train on the last PGD iterate). The
     * random stream is {@code restart}, so a trainer can draw fresh starts every epoch.
     */
    public NDArray craft(Classifier model, Batch batch, double eps, int restart) {
        NDArray x = batch.images();
        NDManager outer = x.getManager();
        float alpha = (float) stepSize.at(eps);
        NDArray xAdv = start(x, batch, eps, restart);
        Update update = newUpdate(outer);
        for (int t = 0; t < steps; t++) {
            try (NDManager scope = outer.newSubManager()) {
                xAdv.attach(scope); // the old iterate dies with the scope
                NDArray next = step(xAdv, x, model.lossGradient(xAdv, batch.labels()), update, alpha, eps);
                next.attach(outer);
                xAdv = next;
            }
        }
        return xAdv;
    }

    /** One projected step along the update rule's direction for an ascent gradient. */
    private NDArray step(NDArray xAdv, NDArray x, NDArray ascentGradient, Update update, float alpha, double eps) {
        return norm.project(xAdv.add(update.direction(ascentGradient).mul(alpha)), x, eps);
    }

    /**
     * One restart on {@code batch} (the rows {@code rows} of the full batch): steps x (gradient,
     * step, projection), each iterate's success read off the logits of its gradient pass and
     * offered to {@code best}; the final iterate takes one more forward pass. With earlyStop a
     * sample leaves the loop at its first success, so it costs no more gradients.
     */
    private void runRestart(Classifier model, Batch batch, Goal goal, double eps, int restart, int[] rows,
                            BestIterates best, boolean earlyStop) {
        NDManager outer = batch.images().getManager();
        float alpha = (float) stepSize.at(eps);
        NDArray x = batch.images().duplicate();
        NDArray direction = outer.create(goal.direction(), new Shape(batch.size(), 1, 1, 1));
        NDArray xAdv = start(batch.images(), batch, eps, restart);
        Update update = newUpdate(outer);
        for (int t = 0; t <= steps; t++) {
            try (NDManager scope = outer.newSubManager()) {
                xAdv.attach(scope); // the old iterate dies with the scope
                if (t == steps) {
                    int[] predicted = model.predict(xAdv);
                    best.offer(xAdv, rows, goal.success(predicted), predicted, true);
                    break;
                }
                Classifier.Gradient g = model.gradientAndLogits(xAdv, goal.lossLabels());
                g.gradient().attach(scope);
                g.logits().attach(scope);
                int[] predicted = Classifier.argMax(g.logits());
                boolean[] success = goal.success(predicted);
                best.offer(xAdv, rows, success, predicted, false);
                NDArray gradient = g.gradient();
                boolean[] open = Rows.not(success);
                int[] keep = Rows.where(open);
                if (earlyStop && keep.length < rows.length) {
                    if (keep.length == 0) {
                        xAdv = null;
                        break;
                    }
                    // drop the decided samples from every per-sample array the loop carries
                    NDArray index = scope.create(Rows.toLong(keep));
                    rows = Rows.pick(rows, keep);
                    goal = goal.select(keep);
                    xAdv = xAdv.get(index);
                    gradient = gradient.get(index);
                    x = swap(x, x.get(index), outer);
                    direction = swap(direction, direction.get(index), outer);
                    update.keep(index);
                }
                NDArray next = step(xAdv, x, gradient.mul(direction), update, alpha, eps);
                next.attach(outer);
                xAdv = next;
            }
        }
        update.close();
        x.close();
        direction.close();
    }

    private static NDArray swap(NDArray old, NDArray replacement, NDManager owner) {
        replacement.attach(owner);
        old.close();
        return replacement;
    }

    /**
     * A per-sample uniform point of the eps-ball around x, drawn from (seed, sample id, restart),
     * clipped to the [0, 1] box unless {@code clipToBox} is false.
     */
    protected NDArray randomStart(NDArray x, Batch batch, double eps, int restart, long seed, boolean clipToBox) {
        int n = batch.size();
        int d = (int) (x.size() / n);
        float[] noise = new float[n * d];
        for (int i = 0; i < n; i++) {
            norm.fillUnitBall(noise, i * d, d, new SplittableRandom(SampleSeeds.of(seed, batch.sampleIds()[i], restart)));
        }
        try (NDManager scope = x.getManager().newSubManager()) {
            NDArray noisy = scope.create(noise, x.getShape()).mul((float) eps).add(x);
            NDArray start = clipToBox ? norm.project(noisy, x, eps) : noisy;
            start.attach(x.getManager());
            return start;
        }
    }

    /**
     * Per sample of the batch, on the host: the first iterate that succeeded (at any step of any
     * restart), else the final iterate of the last restart that ran on it, with its prediction.
     * Copying an iterate to the host costs far less than the gradient pass that produced it.
     */
    private static final class BestIterates {
        private final int d;
        private final float[] pixels;
        private final int[] predicted;
        private final boolean[] found;

        BestIterates(int n, int d) {
            this.d = d;
            this.pixels = new float[n * d];
            this.predicted = new int[n];
            this.found = new boolean[n];
        }

        /**
         * Offers an iterate of the given rows. Rows that succeed for the first time are kept; with
         * {@code last}, rows that never succeeded take this iterate as their result.
         */
        void offer(NDArray iterate, int[] rows, boolean[] success, int[] predictedNow, boolean last) {
            int[] taken = new int[rows.length];
            int count = 0;
            for (int j = 0; j < rows.length; j++) {
                if (!found[rows[j]] && (success[j] || last)) {
                    taken[count++] = j;
                }
            }
            if (count == 0) {
                return;
            }
            taken = Arrays.copyOf(taken, count);
            float[] values = hostRows(iterate, taken, rows.length);
            for (int k = 0; k < count; k++) {
                int j = taken[k];
                int i = rows[j];
                System.arraycopy(values, k * d, pixels, i * d, d);
                predicted[i] = predictedNow[j];
                found[i] = success[j];
            }
        }

        /**
         * The given rows of an iterate, copied to the host: only those rows, so a step where a
         * few samples succeed copies a few images, not the batch (host copies are garbage the
         * JVM must collect, and memory should stay flat over long sweeps).
         */
        private static float[] hostRows(NDArray iterate, int[] taken, int n) {
            if (taken.length == n) {
                return iterate.toFloatArray();
            }
            try (NDManager scope = iterate.getManager().newSubManager()) {
                NDArray picked = iterate.get(scope.create(Rows.toLong(taken)));
                picked.attach(scope);
                return picked.toFloatArray();
            }
        }

        /** Rows no iterate has fooled yet. */
        int[] open() {
            return Rows.where(Rows.not(found));
        }

        float[] pixels() {
            return pixels;
        }

        int[] predicted() {
            return predicted;
        }
    }
}
