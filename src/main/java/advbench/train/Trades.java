package advbench.train;

import ai.djl.ndarray.NDArray;

/**
 * TRADES (Zhang et al., 2019): {@code CE(f(x), y) + beta * KL(softmax f(x) || softmax f(x_adv))},
 * the KL summed over classes and averaged over the batch, as in the authors' code.
 */
public final class Trades {
    private Trades() {}

    /** KL(p || q) per sample, from logits; p = softmax(clean), q = softmax(adversarial). */
    public static NDArray klPerSample(NDArray cleanLogits, NDArray advLogits) {
        NDArray logP = cleanLogits.logSoftmax(1);
        NDArray logQ = advLogits.logSoftmax(1);
        return logP.exp().mul(logP.sub(logQ)).sum(new int[] {1});
    }

    public static NDArray loss(NDArray cleanLogits, NDArray advLogits, int[] labels, double beta) {
        NDArray ce = advbench.model.CrossEntropy.mean(cleanLogits, labels);
        return ce.add(klPerSample(cleanLogits, advLogits).mean().mul((float) beta));
    }
}
