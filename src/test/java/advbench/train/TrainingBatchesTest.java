package advbench.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import advbench.TestFixtures;
import advbench.attack.Batch;
import advbench.data.LabeledImages;
import advbench.model.Classifier;
import advbench.model.Classifiers;
import advbench.model.ImageBatch;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Training batches are gathered from the training set held in native memory, and the epoch's loss
 * and accuracy are read back once per window of batches: both must give exactly what cutting
 * batches from the Java arrays and reading every batch back gave, or the trained weights move.
 */
class TrainingBatchesTest {

    @Test
    void aNativeGatherCopiesTheSameFloatsAsCuttingTheJavaArray() {
        LabeledImages train = TestFixtures.synthetic().train().first(300);
        int[] ids = {299, 0, 17, 17, 150, 42};
        try (NDManager m = NDManager.newBaseManager(); TrainingImages images = TrainingImages.of(m, train, Augmentation.NONE)) {
            Batch b = images.batch(m, ids, 1, 1);
            LabeledImages expected = train.select(ids);
            assertArrayEquals(expected.pixels(), b.images().toFloatArray());
            assertArrayEquals(expected.labels(), b.labels());
            assertArrayEquals(ids, b.sampleIds());
            assertEquals(new Shape(6, 1, 12, 12), b.images().getShape());
        }
    }

    @Test
    void withAugmentationEachBatchIsTransformedOnTheJavaSideAsBefore() {
        LabeledImages train = TestFixtures.synthetic().train().first(50);
        Augmentation shift = new Augmentation(2, 0, 0, false);
        int[] ids = {3, 9, 27};
        try (NDManager m = NDManager.newBaseManager(); TrainingImages images = TrainingImages.of(m, train, shift)) {
            float[] expected = shift.apply(train.select(ids), ids, 5, 2).pixels();
            assertArrayEquals(expected, images.batch(m, ids, 5, 2).images().toFloatArray());
        }
    }

    @Test
    void theWindowedTallyAddsUpAsAReadBackEveryBatchWould() {
        Random r = new Random(3);
        try (NDManager m = NDManager.newBaseManager()) {
            double lossSum = 0;
            long correct = 0;
            int batches = 2 * EpochTally.WINDOW + 5; // two whole windows and a rest
            try (EpochTally tally = new EpochTally(m, (batch, loss) -> new IllegalStateException("diverged at " + batch))) {
                for (int b = 0; b < batches; b++) {
                    int n = 1 + r.nextInt(7);
                    float[] logits = new float[n * 4];
                    for (int i = 0; i < logits.length; i++) {
                        logits[i] = (float) r.nextGaussian();
                    }
                    int[] labels = new int[n];
                    for (int i = 0; i < n; i++) {
                        labels[i] = r.nextInt(4);
                    }
                    float loss = (float) (r.nextDouble() * 3);
                    try (NDManager scope = m.newSubManager()) {
                        NDArray z = scope.create(logits, new Shape(n, 4));
                        tally.add(scope.create(loss), z, labels);
                        int[] predicted = RowMax.argMax(logits, 4);
                        lossSum += loss * n; // as the per-batch read-back summed it: a float product, then a double sum
                        for (int i = 0; i < n; i++) {
                            correct += predicted[i] == labels[i] ? 1 : 0;
                        }
                    }
                }
                tally.readBack();
                assertEquals(lossSum, tally.lossSum(), 0.0);
                assertEquals(correct, tally.correct());
            }
        }
    }

    @Test
    void aDivergedLossIsNamedAtItsOwnBatchEvenWhenReadBackLater() {
        try (NDManager m = NDManager.newBaseManager();
             EpochTally tally = new EpochTally(m, (batch, loss) -> new IllegalStateException("batch " + batch + ", loss " + loss))) {
            List<Float> losses = new ArrayList<>(List.of(0.5f, 0.4f, 0.3f, Float.NaN, 2e4f));
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> {
                for (float loss : losses) {
                    try (NDManager scope = m.newSubManager()) {
                        tally.add(scope.create(loss), scope.create(new float[] {1, 0}, new Shape(1, 2)), new int[] {0});
                    }
                }
                tally.readBack();
            });
            assertEquals("batch 4, loss NaN", e.getMessage());
        }
    }

    @Test
    void trainingTwiceFromTheSameSeedGivesTheSameWeights() {
        LabeledImages train = TestFixtures.synthetic().train();
        LabeledImages test = TestFixtures.synthetic().test().first(100);
        float[][] weights = new float[2][];
        for (int run = 0; run < 2; run++) {
            advbench.model.Engines.seed(4);
            try (Classifier c = Classifiers.create("small-cnn", train.shape())) {
                ModelTrainer.Result result = ModelTrainer.standard(new TrainingPlan(1, 50, "adam", 0.003, "constant"), advbench.RunLog.silent())
                        .train(c, train, test, 4);
                assertTrue(result.history().get(0).trainAccuracy() > 0.3, "it learned: " + result.history());
                try (NDManager scope = c.manager().newSubManager()) {
                    weights[run] = c.logits(ImageBatch.of(scope, test)).toFloatArray();
                }
            }
        }
        assertArrayEquals(weights[0], weights[1], "logits of the two trained models");
    }

    /** argmax over rows of a flat array, first maximum wins, as libtorch's argMax. */
    private static final class RowMax {
        static int[] argMax(float[] logits, int classes) {
            int[] out = new int[logits.length / classes];
            for (int i = 0; i < out.length; i++) {
                int best = 0;
                for (int k = 1; k < classes; k++) {
                    if (logits[i * classes + k] > logits[i * classes + best]) {
                        best = k;
                    }
                }
                out[i] = best;
            }
            return out;
        }
    }
}
