package advbench.train;

import advbench.attack.Loss;
import advbench.model.CrossEntropy;
import advbench.model.Scalars;
import ai.djl.ndarray.NDArray;

/**
 * TRADES (Zhang et al., 2019): {@code CE(f(x), y) + beta * KL(softmax f(x) || softmax f(x_adv))},
 * the KL summed over classes and averaged over the batch, as in the authors' code. Its adversary
 * is the ordinary iterative loop ascending the same KL ({@link Loss#klDivergenceFrom}).
 */
public final class Trades {
    private Trades() {}

    public static NDArray loss(NDArray cleanLogits, NDArray advLogits, int[] labels, double beta) {
        NDArray ce = CrossEntropy.mean(cleanLogits, labels);
        // beta kept alive as an array: DJL frees a number's scalar before the backward pass reads it (Scalars)
        return ce.add(Scalars.times(Loss.klPerSample(cleanLogits, advLogits).mean(), beta));
    }
}
