package advbench.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

/**
 * Softmax cross-entropy from logits and integer labels. The one-hot matrix is built in Java so
 * that no label dtype conversion happens in the engine.
 */
public final class CrossEntropy {
    private CrossEntropy() {}

    /** Per-sample losses, shape (batch). */
    public static NDArray perSample(NDArray logits, int[] labels) {
        NDArray oneHot = oneHot(logits.getManager(), labels, (int) logits.getShape().get(1));
        return logits.logSoftmax(1).mul(oneHot).sum(new int[] {1}).neg();
    }

    /**
     * The sum over the batch. Attacks differentiate this one: each sample's input gradient is then
     * that of its own loss, whatever else shares the batch (a mean would scale it by 1/batch).
     */
    public static NDArray sum(NDArray logits, int[] labels) {
        return perSample(logits, labels).sum();
    }

    public static NDArray mean(NDArray logits, int[] labels) {
        return perSample(logits, labels).mean();
    }

    public static NDArray oneHot(NDManager manager, int[] labels, int classes) {
        float[] m = new float[labels.length * classes];
        for (int i = 0; i < labels.length; i++) {
            m[i * classes + labels[i]] = 1f;
        }
        return manager.create(m, new Shape(labels.length, classes));
    }
}
