package advbench.attack;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import advbench.TestFixtures;
import advbench.data.LabeledImages;
import advbench.model.Classifier;
import advbench.model.ImageBatch;
import ai.djl.ndarray.NDManager;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/**
 * A minimum-norm search's reported points are checked by a forward pass of the images
 * themselves: a corrupted image (one that no longer fools the model, leaves the box, or lies
 * farther than reported) counts as not found. And one search answers every epsilon: a sample is
 * fooled at eps exactly when its minimal norm is at most eps.
 */
class MinimumNormIT {
    static final int N = 60;

    @Test
    void corruptedPointsAreNotFoundAndOneSearchAnswersEveryEpsilon() {
        Classifier model = TestFixtures.trainedCnn();
        LabeledImages images = TestFixtures.mnistSubset().test().first(N);
        DeepFool deepFool = new DeepFool("DeepFool-L2", Norm.L2, 50, 10, 0.02);
        try (NDManager scope = model.manager().newSubManager()) {
            Batch batch = new Batch(ImageBatch.of(scope, images), images.labels(), IntStream.range(0, N).toArray());
            Goal goal = new Goal(images.labels(), null, true);
            MinimumNorm.Found found = deepFool.searchChecked(model, batch, goal);
            int[] real = IntStream.range(0, N).filter(i -> found.norms()[i] > 0 && Double.isFinite(found.norms()[i])).toArray();
            assertTrue(real.length >= 3 * N / 4, "DeepFool finds a point for most samples: " + real.length);

            // three corruptions: the clean image back (no longer fools), a pixel out of the box, a norm reported too small
            int d = batch.pixelsPerImage();
            float[] x = batch.images().toFloatArray();
            float[] corrupted = found.images().clone();
            double[] norms = found.norms().clone();
            System.arraycopy(x, real[0] * d, corrupted, real[0] * d, d);
            corrupted[real[1] * d + 5] = 1.5f;
            norms[real[2]] = norms[real[2]] / 2;
            MinimumNorm.Found checked = deepFool.check(model, batch, goal,
                    new MinimumNorm.Found(corrupted, norms, found.predicted(), found.cleanPredicted()));
            for (int i = 0; i < N; i++) {
                boolean broken = i == real[0] || i == real[1] || i == real[2];
                assertEquals(broken ? Double.POSITIVE_INFINITY : found.norms()[i], checked.norms()[i], 1e-9, "sample " + i);
            }

            // every epsilon from the one search: fooled at eps iff the norm is at most eps
            for (double eps : new double[] {0.5, 1.0, 1.5, 2.5}) {
                Adversarial at = MinimumNorm.at(found, batch, goal, IntStream.range(0, N).toArray(), eps);
                for (int i = 0; i < N; i++) {
                    assertEquals(found.norms()[i] <= eps, at.success()[i], "sample " + i + " at " + eps);
                }
                at.images().close();
            }
        }
    }

    /**
     * The published order of strength on the same samples: FMN's and C&W's median L2 norms below
     * DeepFool's (DeepFool stops at the first crossing; the others then shrink the perturbation).
     * C&W runs 5 binary steps of 200 Adam steps at learning rate 0.1: at the paper's 0.01, 200
     * steps barely move a black pixel, whose tanh-space value (-7.25) sits deep in saturation
     * (median 2.31 against DeepFool's 1.31 on these samples; 1.13 at 0.1).
     */
    @Test
    void fmnAndCarliniWagnerFindSmallerL2PerturbationsThanDeepFool() {
        Classifier model = TestFixtures.trainedCnn();
        LabeledImages images = TestFixtures.mnistSubset().test().first(N);
        try (NDManager scope = model.manager().newSubManager()) {
            Batch batch = new Batch(ImageBatch.of(scope, images), images.labels(), IntStream.range(0, N).toArray());
            Goal goal = Goal.untargeted(images.labels());
            double deepFool = median(new DeepFool("DeepFool-L2", Norm.L2, 50, 10, 0.02).searchChecked(model, batch, goal));
            double fmn = median(new Fmn("FMN-L2", Norm.L2, 100, 1.0, 0.05).searchChecked(model, batch, goal));
            double cw = median(new CarliniWagner("CW", 5, 200, 0.1, 0, 1e-3, true).searchChecked(model, batch, goal));
            assertTrue(fmn < deepFool, "FMN " + fmn + " vs DeepFool " + deepFool);
            assertTrue(cw < deepFool, "C&W " + cw + " vs DeepFool " + deepFool);
        }
    }

    private static double median(MinimumNorm.Found found) {
        double[] sorted = found.norms().clone();
        java.util.Arrays.sort(sorted);
        return sorted[sorted.length / 2];
    }
}
