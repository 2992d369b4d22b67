package advbench.attack;

import advbench.model.CrossEntropy;
import advbench.model.Scalars;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;

/**
 * What an attack ascends, as a typed value: one formula per loss ({@link #perSample}), each
 * sample's value from the logits of its current iterate and its goal. The gradient is taken of
 * the sum over the batch, so that each sample's input gradient is that of its own loss, whatever
 * else shares the batch. A targeted loss points the other way (descend the target's loss), and a
 * sample without a target contributes nothing, so it does not move.
 *
 * <p>Attacks that keep per-sample books (APGD's best loss and step-size checkpoints, Square's
 * acceptance test) read the same formula on the host ({@link #onHost}), evaluated on the logits in
 * double precision so that two iterates are never ranked by float rounding.
 */
public sealed interface Loss {

    /** Each sample's value, shape (n), in the logits' data type: the loss's one formula. */
    NDArray perSample(NDArray logits, Goal goal);

    /** The loss for some rows only (a loss that carries per-sample data keeps those rows of it). */
    default Loss select(int[] rows) {
        return this;
    }

    /** What the gradient is taken of: the per-sample values summed over the batch. */
    default NDArray value(NDArray logits, Goal goal) {
        return perSample(logits, goal).sum();
    }

    /** Each sample's value on the host, computed in the logits' own precision. */
    default double[] onHost(NDArray logits, Goal goal) {
        try (NDManager scope = logits.getManager().newSubManager()) {
            NDArray v = perSample(logits, goal);
            v.attach(scope);
            return positiveZero(v.toType(DataType.FLOAT64, false).toDoubleArray());
        }
    }

    /** Each sample's value on the host, computed in double precision from the (float) logits. */
    default double[] onHostExact(NDArray logits, Goal goal) {
        try (NDManager scope = logits.getManager().newSubManager()) {
            NDArray wide = logits.toType(DataType.FLOAT64, true);
            wide.attach(scope);
            NDArray v = perSample(wide, goal);
            v.attach(scope);
            return positiveZero(v.toDoubleArray());
        }
    }

    /** A loss of zero is 0, not the -0 libtorch's negation of a zero gives (a sum over the batch turns it into 0 too). */
    private static double[] positiveZero(double[] values) {
        for (int i = 0; i < values.length; i++) {
            values[i] += 0.0;
        }
        return values;
    }

    /**
     * Cross-entropy: ascend CE(label), or, targeted, descend CE(target) (Madry et al.; Kurakin et
     * al.). Untargeted, its gradient is the batch's clean pass ({@link Batch#cleanPass}).
     */
    record CrossEntropyLoss() implements Loss {
        @Override
        public NDArray perSample(NDArray logits, Goal goal) {
            return goal.targeted()
                    ? CrossEntropy.perSample(logits, goal.lossLabels()).mul(factors(logits, goal.direction()))
                    : CrossEntropy.perSample(logits, goal.labels());
        }
    }

    /**
     * The margin (Carlini-Wagner) loss on logits: untargeted {@code max_{i != y} z_i - z_y}, positive
     * once the sample is misclassified; targeted {@code z_t - max_{i != t} z_i}. Unlike cross-entropy
     * it does not saturate on confident predictions, which helps against some defences.
     */
    record Margin() implements Loss {
        @Override
        public NDArray perSample(NDArray logits, Goal goal) {
            return ownMargin(logits, goal.lossLabels()).neg().mul(factors(logits, goal.direction()));
        }
    }

    /**
     * Croce and Hein's difference of logits ratio (AutoAttack's {@code dlr}), ascended:
     * {@code -(z_y - max_{i != y} z_i) / (z_pi1 - z_pi3 + 1e-12)} with z_pi the logits sorted in
     * decreasing order. Dividing by a spread of the logits makes it invariant to their scale, so a
     * model cannot hide behind large logits (as it can from cross-entropy). Needs 3 classes.
     */
    record Dlr() implements Loss {
        @Override
        public NDArray perSample(NDArray logits, Goal goal) {
            int classes = (int) logits.getShape().get(1);
            NDArray sorted = logits.sort(1); // increasing: the largest is last
            NDArray spread = sorted.get(":, " + (classes - 1)).sub(sorted.get(":, " + (classes - 3))).add(1e-12f);
            return ownMargin(logits, goal.labels()).neg().div(spread);
        }
    }

    /**
     * AutoAttack's targeted DLR towards {@code targets} (one per sample, not the goal's: APGD-T
     * succeeds on any misclassification), ascended: {@code -(z_y - z_t) / (z_pi1 - (z_pi3 + z_pi4) / 2 + 1e-12)}.
     * Needs 4 classes.
     */
    record TargetedDlr(int[] targets) implements Loss {
        @Override
        public NDArray perSample(NDArray logits, Goal goal) {
            int classes = (int) logits.getShape().get(1);
            NDArray own = logitOf(logits, goal.labels());
            NDArray target = logitOf(logits, targets);
            NDArray sorted = logits.sort(1);
            NDArray spread = sorted.get(":, " + (classes - 1))
                    .sub(Scalars.times(sorted.get(":, " + (classes - 3)).add(sorted.get(":, " + (classes - 4))), 0.5)).add(1e-12f);
            return own.sub(target).neg().div(spread);
        }

        @Override
        public Loss select(int[] rows) {
            return rows.length == targets.length ? this : new TargetedDlr(Rows.pick(targets, rows));
        }
    }

    /**
     * TRADES's adversary (Zhang et al. 2019): ascend KL(softmax(clean) || softmax(f(x'))), the
     * divergence from the model's clean outputs of the same samples, which are held fixed.
     */
    record KlFrom(NDArray clean) implements Loss {
        @Override
        public NDArray perSample(NDArray logits, Goal goal) {
            return klPerSample(clean, logits);
        }

        @Override
        public Loss select(int[] rows) {
            if (rows.length == clean.getShape().get(0)) {
                return this;
            }
            NDArray kept = clean.get(clean.getManager().create(Rows.toLong(rows)));
            return new KlFrom(kept);
        }
    }

    Loss CROSS_ENTROPY = new CrossEntropyLoss();

    /** The loss an experiment file names (checked when it was read): margin, else cross-entropy. */
    static Loss named(String name) {
        return "margin".equals(name) ? margin() : crossEntropy();
    }

    static Loss crossEntropy() {
        return CROSS_ENTROPY;
    }

    static Loss margin() {
        return new Margin();
    }

    static Loss dlr() {
        return new Dlr();
    }

    static Loss dlrTargeted(int[] targets) {
        return new TargetedDlr(targets);
    }

    static Loss klDivergenceFrom(NDArray cleanLogits) {
        return new KlFrom(cleanLogits.stopGradient());
    }

    /** KL(p || q) per sample, from logits; p = softmax(clean), q = softmax(other). */
    static NDArray klPerSample(NDArray cleanLogits, NDArray otherLogits) {
        NDArray logP = cleanLogits.logSoftmax(1);
        NDArray logQ = otherLogits.logSoftmax(1);
        return logP.exp().mul(logP.sub(logQ)).sum(new int[] {1});
    }

    /**
     * Per sample, {@code z_c - max_{i != c} z_i} for its class c: positive while c is predicted.
     * The margin loss, DLR and Carlini-Wagner's hinge are all made of it.
     */
    static NDArray ownMargin(NDArray logits, int[] classes) {
        NDArray oneHot = oneHot(logits, classes);
        NDArray own = logits.mul(oneHot).sum(new int[] {1}); // logitOf, with the one-hot reused below
        // push the own class far down so the max runs over the others only
        NDArray others = logits.sub(oneHot.mul(1e9f)).max(new int[] {1});
        return own.sub(others);
    }

    /**
     * Per sample, {@code z_y - max_{i != y} z_i} on the host in double precision: positive while
     * the label is predicted. Square's acceptance test and the minimum-norm attacks' distance to
     * the boundary; it is the untargeted margin loss with the sign turned.
     */
    static double[] marginsOnHost(NDArray logits, int[] labels) {
        double[] v = new Margin().onHostExact(logits, Goal.untargeted(labels));
        for (int i = 0; i < v.length; i++) {
            v[i] = -v[i];
        }
        return v;
    }

    /** Per sample, the logit of its class in {@code classes}, shape (n). */
    private static NDArray logitOf(NDArray logits, int[] classes) {
        return logits.mul(oneHot(logits, classes)).sum(new int[] {1});
    }

    /** One-hot rows of {@code classes}, in the logits' manager and data type. */
    private static NDArray oneHot(NDArray logits, int[] classes) {
        NDArray oneHot = CrossEntropy.oneHot(logits.getManager(), classes, (int) logits.getShape().get(1));
        return logits.getDataType() == oneHot.getDataType() ? oneHot : oneHot.toType(logits.getDataType(), false);
    }

    /** Per-sample factors as an (n) array in the logits' manager and data type. */
    private static NDArray factors(NDArray logits, float[] values) {
        NDArray f = logits.getManager().create(values, new Shape(values.length));
        return logits.getDataType() == f.getDataType() ? f : f.toType(logits.getDataType(), false);
    }
}
