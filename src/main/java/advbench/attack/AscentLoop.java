package advbench.attack;

import advbench.model.Classifier;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;

/**
 * The one loop of the gradient-ascent attacks (BIM, PGD, MI-FGSM, FGM, APGD) and of the examples
 * adversarial training crafts. From a start, for each iterate t = 0 .. steps: evaluate it (the
 * gradient of the loss and the logits of the same pass; the last iterate only forward unless the
 * run says otherwise), show it to a {@link Sink} (the first-success keeper, a trace), let the
 * {@link Run} keep its books, drop the samples that reached their goal (with the goal's
 * earlyStop), and step. What differs between attacks is the run: where it starts, how a gradient
 * becomes the next iterate (the step rule with its step-size schedule) and what state it carries.
 *
 * <p>Each iterate lives in its own NDManager scope: everything made while handling it dies with
 * the scope but what is carried to the next one (the iterate, the clean rows when they are
 * dropped from, and the run's state), so native memory does not grow with the steps.
 */
final class AscentLoop {
    private AscentLoop() {}

    /** The rules of one run of an attack (one batch, one epsilon, one random draw). */
    interface Run {
        /** The first iterate, in the batch's manager. */
        NDArray start();

        /** The iterate after {@code it.xAdv}, from its gradient: the step rule, with its step-size schedule; t counts from 0. */
        NDArray step(int t, Iterate it);

        /**
         * After iterate t was evaluated and shown to the sink: the run's own books (APGD's best
         * point and step-size checkpoints), which may move {@code it.xAdv} and {@code it.gradient}.
         */
        default void evaluated(int t, Iterate it) {}

        /** Keeps only the given positions of per-sample state carried across steps. */
        default void keep(NDArray index) {}

        /** Moves state carried across steps into {@code m}: a step's scope, then back out. */
        default void attach(NDManager m) {}

        /** Whether the last iterate is evaluated with a gradient (APGD, as the reference does) rather than a forward pass only. */
        default boolean gradientAtLastIterate() {
            return false;
        }

        /** Per-sample loss values on the host, as this run compares them. */
        default double[] losses(Iterate it) {
            return it.loss.onHost(it.logits, it.goal);
        }

        /** Where a sample that never reached its goal ends: the last iterate, unless the run keeps a better point. */
        default NDArray finalPoint(Iterate it) {
            return it.xAdv;
        }

        /** What the model predicts for {@link #finalPoint}. */
        default int[] finalPredicted(Iterate it) {
            return it.predicted();
        }
    }

    /** What sees each evaluated iterate: the first-success keeper of an attack, or a trace. */
    interface Sink {
        void iterate(int t, Iterate it);

        /** The loop is over; {@code it.rows} are the samples still in it. */
        default void end(Iterate it, Run run) {}
    }

    /** The loop's state at one iterate, for the rows (positions in the batch) still in it. */
    static final class Iterate {
        private final Run run;
        private final boolean ownsX;
        NDArray x;
        NDArray xAdv;
        NDArray gradient;
        NDArray logits;
        int[] rows;
        Goal goal;
        Loss loss;
        private int[] predicted;
        private double[] losses;

        private Iterate(Run run, NDArray x, boolean ownsX, NDArray xAdv, Goal goal, Loss loss) {
            this.run = run;
            this.x = x;
            this.ownsX = ownsX;
            this.xAdv = xAdv;
            this.rows = Rows.all(goal.size());
            this.goal = goal;
            this.loss = loss;
        }

        /** The model's predictions for this iterate, read off the logits of its pass. */
        int[] predicted() {
            if (predicted == null) {
                predicted = Classifier.argMax(logits);
            }
            return predicted;
        }

        boolean[] success() {
            return goal.success(predicted());
        }

        /** Per-sample loss values, as the run compares them. */
        double[] losses() {
            if (losses == null) {
                losses = run.losses(this);
            }
            return losses;
        }

        private void attach(NDManager m) {
            xAdv.attach(m);
            if (ownsX) {
                x.attach(m);
            }
        }

        /** The gradient (averaged over {@code eot} passes) and the logits, or with {@code forwardOnly} the logits alone. */
        private void evaluate(Classifier model, boolean forwardOnly, int eot) {
            predicted = null;
            losses = null;
            if (forwardOnly) {
                gradient = null;
                logits = model.logits(xAdv);
                return;
            }
            Goal g0 = goal;
            Loss l0 = loss;
            Classifier.Gradient g = model.gradientOf(xAdv, z -> l0.value(z, g0));
            NDArray sum = g.gradient();
            for (int e = 1; e < eot; e++) {
                g.logits().close();
                g = model.gradientOf(xAdv, z -> l0.value(z, g0));
                NDArray next = sum.add(g.gradient());
                sum.close();
                g.gradient().close();
                sum = next;
            }
            // the mean over passes, as the reference takes; the loss and prediction are the last pass's
            gradient = eot > 1 ? sum.div(eot) : sum;
            logits = g.logits();
        }

        /** Drops the samples this iterate brought to their goal, from every per-sample array the loop carries. */
        private void dropDecided() {
            int[] keep = Rows.where(Rows.not(success()));
            if (keep.length == rows.length) {
                return;
            }
            rows = Rows.pick(rows, keep);
            if (keep.length == 0) {
                return;
            }
            NDArray index = xAdv.getManager().create(Rows.toLong(keep));
            goal = goal.select(keep);
            loss = loss.select(keep);
            xAdv = xAdv.get(index);
            gradient = gradient.get(index);
            x = x.get(index);
            run.keep(index);
            predicted = null;
            losses = null;
        }
    }

    /**
     * One run on {@code batch} at {@code eps}, each iterate shown to {@code sink}. With no sink (a
     * training batch) nothing is recorded and the final iterate is returned, never evaluated;
     * otherwise the result lives in the sink and null is returned.
     */
    static NDArray run(Classifier model, Batch batch, Goal goal, Loss loss, int steps, int eot, Run run, Sink sink) {
        NDManager outer = batch.images().getManager();
        boolean drops = sink != null && goal.earlyStop();
        // rows are dropped from a copy of the clean images; otherwise the batch's own serve, untouched
        NDArray x = drops ? batch.images().duplicate() : batch.images();
        Iterate it = new Iterate(run, x, drops, run.start(), goal, loss);
        for (int t = 0; ; t++) {
            try (NDManager scope = outer.newSubManager()) {
                it.attach(scope); // what is not carried out again dies with this scope
                run.attach(scope);
                boolean last = t == steps;
                if (last && sink == null) {
                    it.xAdv.attach(outer);
                    return it.xAdv;
                }
                it.evaluate(model, last && !run.gradientAtLastIterate(), eot);
                if (sink != null) {
                    sink.iterate(t, it);
                }
                run.evaluated(t, it);
                if (!last && drops) {
                    it.dropDecided();
                }
                if (last || it.rows.length == 0) {
                    if (sink != null) {
                        sink.end(it, run);
                    }
                    return null;
                }
                it.xAdv = run.step(t, it);
                it.attach(outer);
                run.attach(outer);
            }
        }
    }
}
