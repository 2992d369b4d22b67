package advbench.attack;

import advbench.model.Classifier;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;

/**
 * The gradient-ascent attacks that run {@link AscentLoop}: BIM, PGD, MI-FGSM, FGM and APGD, and
 * TRADES's and adversarial training's crafting. What is ascended is a {@link Loss}
 * (cross-entropy unless told otherwise); a subclass says how a run starts and steps ({@link
 * #newRun}), or, for the common projected step {@code x <- project(x + alpha * update(grad))},
 * only where it starts ({@link #start}) and, if not by steepest ascent in its norm, how a gradient
 * becomes a direction ({@link #newUpdate}).
 *
 * <p>A run keeps, per sample, the first iterate that reaches the goal ({@link FirstSuccess}), so
 * a success is never lost by a later step; samples that never succeed end where the run ends.
 * With the goal's earlyStop a sample also stops costing gradients at that first success; the
 * result is the same. Restarts are run by the sweeper, each with its own random draw.
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

    /** The step direction of the projected step, with any per-run state (MI-FGSM's momentum). */
    protected interface Update {
        /** The step direction from the gradient of the loss (which is ascended). */
        NDArray direction(NDArray gradient);

        /** Keeps only the given rows of any per-sample state, as decided samples leave the loop. */
        default void keep(NDArray rows) {}

        /** Moves state carried across steps into {@code m} (see {@link AscentLoop.Run#attach}). */
        default void attach(NDManager m) {}
    }

    /** A fresh update rule for one run of the projected step: the steepest ascent in the attack's norm, unless overridden. */
    protected Update newUpdate() {
        return norm::ascent;
    }

    /** Where a run begins (in the manager of x); x itself unless the attack starts at random. */
    public NDArray start(NDArray x, Batch batch, double eps) {
        return x.duplicate();
    }

    /** One run's rules; by default the projected step from {@link #start} along {@link #newUpdate}. */
    protected AscentLoop.Run newRun(Classifier model, Batch batch, double eps) {
        Update update = newUpdate();
        float alpha = (float) stepSize.at(eps);
        return new AscentLoop.Run() {
            @Override
            public NDArray start() {
                return IterativeAttack.this.start(batch.images(), batch, eps);
            }

            @Override
            public NDArray step(int t, AscentLoop.Iterate it) {
                return norm.project(it.xAdv.add(update.direction(it.gradient).mul(alpha)), it.x, eps);
            }

            @Override
            public void keep(NDArray index) {
                update.keep(index);
            }

            @Override
            public void attach(NDManager m) {
                update.attach(m);
            }
        };
    }

    /** The loss a run on this batch ascends, and how many gradient passes each step averages. */
    protected Loss lossFor(Classifier model, Batch batch) {
        return loss;
    }

    protected int eot() {
        return 1;
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
        FirstSuccess kept = new FirstSuccess(batch.size(), batch.pixelsPerImage());
        AscentLoop.run(model, batch, goal, lossFor(model, batch), steps, eot(), newRun(model, batch, eps), kept);
        return kept.result(eps, batch, goal);
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
    public NDArray craft(Classifier model, Batch batch, double eps, Loss ascended) {
        return AscentLoop.run(model, batch, Goal.untargeted(batch.labels()), ascended, steps, 1, newRun(model, batch, eps), null);
    }

    /**
     * The final iterate of one run towards {@code goal} (its targets, if any), no success
     * bookkeeping and no early stop: what a transfer attack carries from its source model to the
     * evaluated one, where the first point that fooled the source would barely cross its boundary.
     */
    public NDArray craftFor(Classifier model, Batch batch, Goal goal, double eps) {
        Goal all = new Goal(goal.labels(), goal.targets(), false);
        return AscentLoop.run(model, batch, all, lossFor(model, batch), steps, eot(), newRun(model, batch, eps), null);
    }

    /** One run with no early stop, each iterate's loss (as the run compares it) and success recorded: steps + 1 rows. */
    @Override
    public Trace trace(Classifier model, Batch batch, Goal goal, double eps) {
        if (!(eps > 0) || Double.isInfinite(eps)) {
            throw new IllegalArgumentException(name + ": a traced run needs a positive finite epsilon, got " + eps);
        }
        Trace trace = new Trace(new double[steps + 1][batch.size()], new boolean[steps + 1][batch.size()]);
        AscentLoop.Sink record = (t, it) -> {
            double[] losses = it.losses();
            boolean[] success = it.success();
            for (int j = 0; j < it.rows.length; j++) {
                trace.loss()[t][it.rows[j]] = losses[j];
                trace.success()[t][it.rows[j]] = success[j];
            }
        };
        Goal all = new Goal(goal.labels(), goal.targets(), false);
        AscentLoop.run(model, batch, all, lossFor(model, batch), steps, eot(), newRun(model, batch, eps), record);
        return trace;
    }
}
