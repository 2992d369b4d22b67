package advbench.certify;

import advbench.Binomial;
import advbench.attack.SampleSeeds;
import advbench.model.Classifier;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.SplittableRandom;
import java.util.stream.IntStream;

/**
 * Randomized smoothing (Cohen, Rosenfeld and Kolter, ICML 2019; locuslab/smoothing, core.py) of
 * any classifier, TorchScript included: the smoothed classifier predicts the class the base
 * classifier gives most often under Gaussian noise N(0, sigma^2 I) added to the pixels (before any
 * preprocessing, not clipped, as Cohen et al. do), and is certifiably robust in L2 around x up to
 * sigma * Phi^-1(pA), pA a lower confidence bound of the top class's probability.
 *
 * <ul>
 *   <li>CERTIFY: {@code n0} draws select the class, {@code n} fresh draws count it, pA is their
 *       one-sided Clopper-Pearson lower bound at {@code alpha}; below 1/2 it abstains.
 *   <li>PREDICT: {@code n} draws; the top two counts pass a two-sided binomial test at p = 1/2 and
 *       level {@code alpha}, or it abstains.
 * </ul>
 *
 * The noise of each sample comes in blocks of {@link #BLOCK} draws, each from its own stream keyed
 * by the seed, the sample's index, the purpose (select, estimate, predict) and the block, so a
 * sample's counts do not depend on which samples share its forward passes.
 */
public final class Smoothing {
    /** Draws per noise stream: the unit a sample's draws are generated and batched in. */
    static final int BLOCK = 100;
    private static final long SELECT = 0x5e1ec7L;
    private static final long ESTIMATE = 0xe57L;
    private static final long PREDICT = 0x9d1c7L;

    /**
     * @param sigma the noise's standard deviation, in pixels of [0, 1]
     * @param n0 CERTIFY's selection draws
     * @param n CERTIFY's estimation draws, and PREDICT's
     * @param alpha the failure probability of each certificate and prediction
     * @param batchSize noisy images per forward pass
     */
    public record Settings(double sigma, int n0, int n, double alpha, int batchSize) {}

    /**
     * One sample's results.
     *
     * @param predicted PREDICT's class, or -1 when it abstained
     * @param certified CERTIFY's class, or -1 when it abstained
     * @param radius the certified L2 radius around the sample (0 when CERTIFY abstained)
     * @param pLower CERTIFY's lower bound of the top class's probability
     */
    public record Result(int predicted, int certified, double radius, double pLower) {}

    private final Settings settings;
    private final long seed;

    public Smoothing(Settings settings, long seed) {
        this.settings = settings;
        this.seed = seed;
    }

    public Settings settings() {
        return settings;
    }

    /** CERTIFY and PREDICT for samples {@code images} (N, C, H, W) whose data-set indices are {@code ids}. */
    public Result[] run(Classifier model, NDArray images, int[] ids) {
        int n = ids.length;
        int classes = model.shape().classes();
        int[][] select = counts(model, images, ids, SELECT, settings.n0(), classes);
        int[][] estimate = counts(model, images, ids, ESTIMATE, settings.n(), classes);
        int[][] predict = counts(model, images, ids, PREDICT, settings.n(), classes);
        Result[] out = new Result[n];
        for (int i = 0; i < n; i++) {
            int top = argMax(select[i]);
            double pLower = Binomial.clopperPearsonLower(estimate[i][top], settings.n(), settings.alpha());
            boolean certifies = pLower >= 0.5;
            double radius = certifies ? settings.sigma() * Binomial.normalQuantile(Math.min(pLower, 1 - 1e-16)) : 0.0;
            out[i] = new Result(predicted(predict[i]), certifies ? top : -1, Math.max(radius, 0.0), pLower);
        }
        return out;
    }

    /** PREDICT's answer from its counts: the top class if the binomial test separates it from the runner-up, else -1. */
    private int predicted(int[] counts) {
        int first = argMax(counts);
        int second = -1;
        for (int c = 0; c < counts.length; c++) {
            if (c != first && (second < 0 || counts[c] > counts[second])) {
                second = c;
            }
        }
        double p = Binomial.twoSidedHalf(counts[first], second < 0 ? 0 : counts[second]);
        return p > settings.alpha() ? -1 : first;
    }

    /** Ties go to the lowest class, as numpy's argmax (and Cohen et al.'s code) break them. */
    private static int argMax(int[] counts) {
        int best = 0;
        for (int c = 1; c < counts.length; c++) {
            if (counts[c] > counts[best]) {
                best = c;
            }
        }
        return best;
    }

    /**
     * Per sample, how often the base classifier gives each class over {@code draws} noisy copies:
     * the copies of all samples, block by block, packed into forward passes of {@code batchSize}.
     */
    int[][] counts(Classifier model, NDArray images, int[] ids, long purpose, int draws, int classes) {
        int n = ids.length;
        int d = (int) (images.size() / Math.max(n, 1));
        float[] pixels = images.toFloatArray();
        int blocksPerSample = (draws + BLOCK - 1) / BLOCK;
        int[][] counts = new int[n][classes];
        // (sample, block) pairs in order, each block's draws in one stream
        int totalBlocks = n * blocksPerSample;
        int blocksPerPass = Math.max(1, settings.batchSize() / BLOCK);
        Shape one = images.getShape().slice(1);
        for (int first = 0; first < totalBlocks; first += blocksPerPass) {
            int last = Math.min(totalBlocks, first + blocksPerPass);
            int[] sizes = new int[last - first];
            int[] offsets = new int[last - first];
            int rows = 0;
            for (int b = first; b < last; b++) {
                int block = b % blocksPerSample;
                sizes[b - first] = Math.min(BLOCK, draws - block * BLOCK);
                offsets[b - first] = rows;
                rows += sizes[b - first];
            }
            float[] noisy = new float[rows * d];
            int from = first;
            IntStream.range(first, last).parallel().forEach(b -> {
                int i = b / blocksPerSample;
                int block = b % blocksPerSample;
                SplittableRandom random = new SplittableRandom(SampleSeeds.of(seed, ids[i], purpose * 1_000_003L + block));
                int at = offsets[b - from] * d;
                for (int r = 0; r < sizes[b - from]; r++) {
                    for (int k = 0; k < d; k++) {
                        noisy[at++] = (float) (pixels[i * d + k] + settings.sigma() * random.nextGaussian());
                    }
                }
            });
            int[] predicted;
            try (NDManager scope = images.getManager().newSubManager()) {
                predicted = model.predict(scope.create(noisy, new Shape(rows).addAll(one)));
            }
            for (int b = first; b < last; b++) {
                int i = b / blocksPerSample;
                for (int r = 0; r < sizes[b - first]; r++) {
                    counts[i][predicted[offsets[b - first] + r]]++;
                }
            }
        }
        return counts;
    }
}
