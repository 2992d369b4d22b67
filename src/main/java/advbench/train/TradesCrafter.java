package advbench.train;

import advbench.attack.Norm;
import advbench.attack.SampleSeeds;
import advbench.model.Classifier;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.util.SplittableRandom;

/**
 * The inner maximisation of TRADES: from x plus a little Gaussian noise (0.001, as in the
 * authors' code), L-inf projected sign-gradient steps that increase KL(f(x) || f(x_adv)), the
 * clean distribution held fixed. It is not an evaluation attack: its objective is the KL, not
 * the label's loss, so it lives with the training code; the projection and step come from
 * {@link Norm} like every attack's.
 */
final class TradesCrafter {
    private final int steps;
    private final double alpha;
    private final long seed;

    TradesCrafter(int steps, double alpha, long seed) {
        this.steps = steps;
        this.alpha = alpha;
        this.seed = seed;
    }

    /** {@code epoch} picks the random stream, so each sample gets fresh noise every epoch. */
    NDArray craft(Classifier model, NDArray x, NDArray cleanLogits, int[] sampleIds, int epoch, double eps) {
        NDManager outer = x.getManager();
        NDArray cleanFixed = cleanLogits.stopGradient();
        int n = sampleIds.length;
        int d = (int) (x.size() / n);
        float[] noise = new float[n * d];
        for (int i = 0; i < n; i++) {
            SplittableRandom r = new SplittableRandom(SampleSeeds.of(seed, sampleIds[i], epoch));
            for (int k = 0; k < d; k++) {
                noise[i * d + k] = (float) (0.001 * r.nextGaussian());
            }
        }
        NDArray xAdv;
        try (NDManager scope = outer.newSubManager()) {
            xAdv = Norm.LINF.project(scope.create(noise, x.getShape()).add(x), x, eps);
            xAdv.attach(outer);
        }
        for (int t = 0; t < steps; t++) {
            try (NDManager scope = outer.newSubManager()) {
                xAdv.attach(scope);
                Classifier.Gradient g = model.gradientOf(xAdv, logits -> Trades.klPerSample(cleanFixed, logits).sum());
                NDArray next = Norm.LINF.project(xAdv.add(Norm.LINF.ascent(g.gradient()).mul((float) alpha)), x, eps);
                next.attach(outer);
                xAdv = next;
            }
        }
        return xAdv;
    }
}
