package advbench.attack;

import advbench.model.CrossEntropy;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;

/**
 * What an attack ascends, as a function of the logits of its current iterates and its goal. The
 * value is summed over the batch, so that each sample's input gradient is that of its own loss,
 * whatever else shares the batch. A targeted loss points the other way (descend the target's
 * loss), and a sample without a target contributes nothing, so it does not move.
 */
@FunctionalInterface
public interface Loss {

    NDArray value(NDArray logits, Goal goal);

    /**
     * Each sample's own value (what the sum is made of), on the host: for traces of the loss
     * over an attack's steps. One small evaluation per row; the attacks themselves never need it.
     */
    default double[] perSample(NDArray logits, Goal goal) {
        int n = (int) logits.getShape().get(0);
        double[] out = new double[n];
        for (int i = 0; i < n; i++) {
            try (ai.djl.ndarray.NDManager scope = logits.getManager().newSubManager()) {
                NDArray row = logits.get(i + ":" + (i + 1));
                row.attach(scope);
                NDArray v = value(row, goal.select(new int[] {i}));
                v.attach(scope);
                out[i] = v.toType(ai.djl.ndarray.types.DataType.FLOAT64, false).getDouble();
            }
        }
        return out;
    }

    /**
     * Cross-entropy: ascend CE(label), or, targeted, descend CE(target) (Madry et al.; Kurakin et al.).
     * One instance, so that an attack can tell that its loss is the clean pass's ({@link Batch#cleanPass}).
     */
    Loss CROSS_ENTROPY = (logits, goal) -> goal.targeted()
            ? CrossEntropy.perSample(logits, goal.lossLabels()).mul(Loss.perSample(logits, goal.direction())).sum()
            : CrossEntropy.sum(logits, goal.labels());

    static Loss crossEntropy() {
        return CROSS_ENTROPY;
    }

    /**
     * The margin (Carlini-Wagner) loss on logits: untargeted {@code max_{i != y} z_i - z_y}, positive
     * once the sample is misclassified; targeted {@code z_t - max_{i != t} z_i}. Unlike cross-entropy
     * it does not saturate on confident predictions, which helps against some defences.
     */
    static Loss margin() {
        return (logits, goal) -> ownMargin(logits, goal.lossLabels()).neg().mul(perSample(logits, goal.direction())).sum();
    }

    /**
     * Croce and Hein's difference of logits ratio (AutoAttack's {@code dlr}), ascended:
     * {@code -(z_y - max_{i != y} z_i) / (z_pi1 - z_pi3 + 1e-12)} with z_pi the logits sorted in
     * decreasing order. Dividing by a spread of the logits makes it invariant to their scale, so a
     * model cannot hide behind large logits (as it can from cross-entropy). Needs 3 classes.
     */
    static Loss dlr() {
        return (logits, goal) -> {
            int classes = (int) logits.getShape().get(1);
            NDArray sorted = logits.sort(1); // increasing: the largest is last
            NDArray spread = sorted.get(":, " + (classes - 1)).sub(sorted.get(":, " + (classes - 3))).add(1e-12f);
            return ownMargin(logits, goal.labels()).neg().div(spread).sum();
        };
    }

    /**
     * AutoAttack's targeted DLR towards {@code targets} (one per sample, not the goal's: APGD-T
     * succeeds on any misclassification), ascended: {@code -(z_y - z_t) / (z_pi1 - (z_pi3 + z_pi4) / 2 + 1e-12)}.
     * Needs 4 classes.
     */
    static Loss dlrTargeted(int[] targets) {
        return (logits, goal) -> {
            int classes = (int) logits.getShape().get(1);
            NDArray own = logits.mul(CrossEntropy.oneHot(logits.getManager(), goal.labels(), classes)).sum(new int[] {1});
            NDArray target = logits.mul(CrossEntropy.oneHot(logits.getManager(), targets, classes)).sum(new int[] {1});
            NDArray sorted = logits.sort(1);
            NDArray spread = sorted.get(":, " + (classes - 1))
                    .sub(sorted.get(":, " + (classes - 3)).add(sorted.get(":, " + (classes - 4))).mul(0.5f)).add(1e-12f);
            return own.sub(target).neg().div(spread).sum();
        };
    }

    /**
     * TRADES's adversary (Zhang et al. 2019): ascend KL(softmax(clean) || softmax(f(x'))), the
     * divergence from the model's clean outputs of the same samples, which are held fixed.
     */
    static Loss klDivergenceFrom(NDArray cleanLogits) {
        NDArray clean = cleanLogits.stopGradient();
        return (logits, goal) -> klPerSample(clean, logits).sum();
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
        NDArray oneHot = CrossEntropy.oneHot(logits.getManager(), classes, (int) logits.getShape().get(1));
        NDArray own = logits.mul(oneHot).sum(new int[] {1});
        // push the own class far down so the max runs over the others only
        NDArray others = logits.sub(oneHot.mul(1e9f)).max(new int[] {1});
        return own.sub(others);
    }

    /** Per-sample factors as an (n) array in the logits' manager. */
    private static NDArray perSample(NDArray logits, float[] values) {
        return logits.getManager().create(values, new Shape(values.length));
    }
}
