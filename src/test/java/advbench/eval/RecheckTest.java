package advbench.eval;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import advbench.RunLog;
import advbench.attack.Adversarial;
import advbench.attack.Attack;
import advbench.attack.Batch;
import advbench.attack.Fgsm;
import advbench.attack.Goal;
import advbench.attack.Norm;
import advbench.data.DataShape;
import advbench.data.LabeledImages;
import advbench.model.Classifier;
import advbench.model.Classifiers;
import advbench.model.Engines;
import advbench.model.ImageBatch;
import ai.djl.ndarray.NDManager;
import java.util.List;
import java.util.Random;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/**
 * No success is counted on an attack's word: the sweeper classifies every result again, and a
 * sample the attack reported otherwise than the model sees it counts as not fooled, at its clean
 * image, and is counted in metrics.json and warned about.
 */
class RecheckTest {
    static final int N = 40;

    /** Reports every odd sample fooled (as the next class) but returns the clean images: an attack whose books are wrong. */
    static final class Boastful implements Attack {
        @Override
        public String name() {
            return "boastful";
        }

        @Override
        public Norm norm() {
            return Norm.LINF;
        }

        @Override
        public Adversarial attack(Classifier model, Batch batch, Goal goal, double eps) {
            int[] predicted = model.predict(batch.images());
            for (int i = 1; i < predicted.length; i += 2) {
                predicted[i] = eps > 0 ? (predicted[i] + 1) % model.shape().classes() : predicted[i];
            }
            return Adversarial.of(eps, batch.images().duplicate(), predicted, goal);
        }
    }

    static LabeledImages images(Classifier model, DataShape shape) {
        Random random = new Random(8);
        float[] pixels = new float[N * shape.pixelsPerImage()];
        for (int k = 0; k < pixels.length; k++) {
            pixels[k] = random.nextFloat();
        }
        try (NDManager m = model.manager().newSubManager()) {
            // labelled as the model predicts them: every sample is classified correctly when clean
            int[] labels = model.predict(ImageBatch.of(m, new LabeledImages(pixels, new int[N], shape)));
            return new LabeledImages(pixels, labels, shape);
        }
    }

    @Test
    void aClaimTheModelDoesNotConfirmCountsAsNotFooled() {
        Engines.configure(0);
        DataShape shape = new DataShape(1, 8, 8, 10, null);
        Engines.seed(2);
        try (Classifier model = Classifiers.create("small-cnn", shape); NDManager m = model.manager().newSubManager()) {
            LabeledImages test = images(model, shape);
            Batch batch = new Batch(ImageBatch.of(m, test), test.labels(), IntStream.range(0, N).toArray());
            EpsilonSweeper.Swept swept = EpsilonSweeper.sweep(new Boastful(), model, batch, List.of(0.0, 0.1), Sweep.FAST);
            Adversarial at = swept.perEpsilon().get(1);
            assertArrayEquals(test.labels(), at.predicted(), "every sample is still classified as its label");
            assertFalse(IntStream.range(0, N).anyMatch(i -> at.success()[i]), "nothing counts as fooled");
            boolean[] disagreed = swept.disagreed().get(1);
            assertTrue(IntStream.range(0, N).allMatch(i -> disagreed[i] == (i % 2 == 1)), "the odd samples are the disagreements");
            assertFalse(IntStream.range(0, N).anyMatch(i -> swept.disagreed().get(0)[i]), "nothing to disagree with at eps 0");
            assertEquals(2L * N + N / 2, swept.recheckForward(), "one pass of the batch per epsilon, and one of the clean rows put back");

            Evaluation ev = new Evaluator(16, Sweep.FAST, RunLog.silent())
                    .evaluate(model, test, List.of(new PlannedAttack(new Boastful(), List.of(0.0, 0.1)), new PlannedAttack(new Fgsm(),
                            List.of(0.0, 0.1))), 0);
            Metrics metrics = MetricsCalculator.compute(ev);
            Metrics.Point point = metrics.attacks().get(0).points().get(1);
            assertEquals(N / 2, point.recheckDisagreements());
            assertEquals(1.0, point.accuracy(), "counted as not fooled");
            assertEquals(0, metrics.attacks().get(1).points().get(1).recheckDisagreements(), "FGSM's own results hold");
            assertEquals(2.5, metrics.attacks().get(0).cost().recheckForwardPerSample(), 1e-12);
            assertEquals(2.0, metrics.attacks().get(1).cost().recheckForwardPerSample(), 1e-12);
            assertTrue(metrics.warnings().stream().anyMatch(w -> w.startsWith("boastful at eps 0.1: the model classifies the attacked image of 20"
                    + " samples otherwise than the attack reported")), metrics.warnings().toString());
        }
    }
}
