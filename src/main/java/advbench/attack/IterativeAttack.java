package advbench.attack;

import advbench.model.Classifier;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.util.Arrays;

/**
 * The loop shared by BIM, PGD, MI-FGSM and TRADES's adversary: from a start point, repeat
 * {@code x <- project(x + alpha * update(grad loss))} for a number of steps. What is ascended is a
 * {@link Loss} (cross-entropy unless told otherwise), where the loop starts is {@link #start} and
 * how a gradient becomes a step is an {@link Update}: a new attack of this family configures the
 * three and writes no loop of its own.
 *
 * <p>One run keeps, per sample, the first iterate that reaches the goal, so a success is never
 * lost by a later step; samples that never succeed end at the final iterate. With the goal's
 * earlyStop a sample also stops costing gradients at that first success; the result is the same.
 * Restarts are run by the sweeper, each with its own random draw. Each step runs in its own
 * NDManager scope that only the new iterate outlives, so native memory does not grow with steps.
 */
public abstract class IterativeAttack implements Traceable {
    protected final String name;
    protected final Norm norm;
    protected final int steps;
    protected final StepSize stepSize;
    protected final int restarts;
    protected final Target target;
    protected final Loss loss;

    protected IterativeAttack(String name, Norm norm, int steps, StepSize stepSize, int restarts, Target target, Loss loss) {
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
        this.loss = loss;
    }

    /** Per-run state of the update rule (MI-FGSM's momentum lives here). */
    protected interface Update extends AutoCloseable {
        /** The step direction from the gradient of the loss (which is ascended). */
        NDArray direction(NDArray gradient);

        /** Keeps only the given rows of any per-sample state, as decided samples leave the loop. */
        default void keep(NDArray rows) {}

        @Override
        default void close() {}
    }

    /** A fresh update rule for one run; state it keeps across steps must live in {@code owner}. */
    protected abstract Update newUpdate(NDManager owner);

    /** Where a run begins (in the manager of x); x itself unless the attack starts at random. */
    protected NDArray start(NDArray x, Batch batch, double eps) {
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

    /** Gradient steps per run. */
    public int steps() {
        return steps;
    }

    @Override
    public int restarts() {
        return restarts;
    }

    @Override
    public Adversarial attack(Classifier model, Batch batch, Goal goal, double eps) {
        Attack.checkEpsilon(name, eps);
        if (eps == 0) {
            return Attack.unperturbed(model, batch, goal);
        }
        BestIterates best = new BestIterates(batch.size(), batch.pixelsPerImage());
        run(model, batch, goal, eps, best);
        NDArray images = batch.images().getManager().create(best.pixels(), batch.images().getShape());
        return Adversarial.of(eps, images, best.predicted(), goal);
    }

    /**
     * The final iterate of one run ascending this attack's loss, with no success bookkeeping: what
     * adversarial training feeds to the model (Madry et al. train on the last PGD iterate). The
     * batch's draw picks the random start, so a trainer draws anew each epoch.
     */
    public NDArray craft(Classifier model, Batch batch, double eps) {
        return craft(model, batch, eps, loss);
    }

    /** As {@link #craft(Classifier, Batch, double)}, ascending another loss (TRADES's KL from this batch's clean outputs). */
    public NDArray craft(Classifier model, Batch batch, double eps, Loss loss) {
        NDArray x = batch.images();
        NDManager outer = x.getManager();
        Goal goal = Goal.untargeted(batch.labels());
        float alpha = (float) stepSize.at(eps);
        NDArray xAdv = start(x, batch, eps);
        Update update = newUpdate(outer);
        for (int t = 0; t < steps; t++) {
            try (NDManager scope = outer.newSubManager()) {
                xAdv.attach(scope); // the old iterate dies with the scope
                Classifier.Gradient g = model.gradientOf(xAdv, logits -> loss.value(logits, goal));
                g.logits().attach(scope);
                NDArray next = step(xAdv, x, g.gradient(), update, alpha, eps);
                next.attach(outer);
                xAdv = next;
            }
        }
        update.close();
        return xAdv;
    }

    /** One run with neither early stop nor best-iterate bookkeeping: steps + 1 rows, the last the final iterate. */
    @Override
    public Trace trace(Classifier model, Batch batch, Goal goal, double eps) {
        NDManager outer = batch.images().getManager();
        Goal all = new Goal(goal.labels(), goal.targets(), false);
        float alpha = (float) stepSize.at(eps);
        NDArray x = batch.images();
        NDArray xAdv = start(x, batch, eps);
        Update update = newUpdate(outer);
        double[][] losses = new double[steps + 1][];
        boolean[][] success = new boolean[steps + 1][];
        for (int t = 0; t <= steps; t++) {
            try (NDManager scope = outer.newSubManager()) {
                xAdv.attach(scope);
                if (t == steps) {
                    NDArray logits = model.logits(xAdv);
                    logits.attach(scope);
                    losses[t] = loss.perSample(logits, all);
                    success[t] = all.success(Classifier.argMax(logits));
                    break;
                }
                Classifier.Gradient g = model.gradientOf(xAdv, logits -> loss.value(logits, all));
                g.gradient().attach(scope);
                g.logits().attach(scope);
                losses[t] = loss.perSample(g.logits(), all);
                success[t] = all.success(Classifier.argMax(g.logits()));
                NDArray next = step(xAdv, x, g.gradient(), update, alpha, eps);
                next.attach(outer);
                xAdv = next;
            }
        }
        update.close();
        return new Trace(losses, success);
    }

    /** One projected step along the update rule's direction for a gradient of the loss. */
    private NDArray step(NDArray xAdv, NDArray x, NDArray gradient, Update update, float alpha, double eps) {
        return norm.project(xAdv.add(update.direction(gradient).mul(alpha)), x, eps);
    }

    /**
     * One run on {@code batch}: steps x (gradient, step, projection), each iterate's success read
     * off the logits of its gradient pass and offered to {@code best}; the final iterate takes one
     * more forward pass. With earlyStop a sample leaves the loop at its first success.
     */
    private void run(Classifier model, Batch batch, Goal goal, double eps, BestIterates best) {
        NDManager outer = batch.images().getManager();
        float alpha = (float) stepSize.at(eps);
        NDArray x = batch.images().duplicate();
        NDArray xAdv = start(batch.images(), batch, eps);
        int[] rows = Rows.all(batch.size());
        Update update = newUpdate(outer);
        for (int t = 0; t <= steps; t++) {
            try (NDManager scope = outer.newSubManager()) {
                xAdv.attach(scope); // the old iterate dies with the scope
                if (t == steps) {
                    int[] predicted = model.predict(xAdv);
                    best.offer(xAdv, rows, goal.success(predicted), predicted, true);
                    break;
                }
                Goal current = goal;
                Classifier.Gradient g = model.gradientOf(xAdv, logits -> loss.value(logits, current));
                g.gradient().attach(scope);
                g.logits().attach(scope);
                int[] predicted = Classifier.argMax(g.logits());
                boolean[] success = goal.success(predicted);
                best.offer(xAdv, rows, success, predicted, false);
                NDArray gradient = g.gradient();
                int[] keep = Rows.where(Rows.not(success));
                if (goal.earlyStop() && keep.length < rows.length) {
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
                    NDArray kept = x.get(index);
                    kept.attach(outer);
                    x.close();
                    x = kept;
                    update.keep(index);
                }
                NDArray next = step(xAdv, x, gradient, update, alpha, eps);
                next.attach(outer);
                xAdv = next;
            }
        }
        update.close();
        x.close();
    }

    /**
     * Per sample of the batch, on the host: the first iterate that succeeded, else the final
     * iterate, with its prediction. Copying an iterate to the host costs far less than the
     * gradient pass that produced it.
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

        float[] pixels() {
            return pixels;
        }

        int[] predicted() {
            return predicted;
        }
    }
}
