package advbench.attack;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import advbench.data.DataShape;
import advbench.data.LabeledImages;
import advbench.model.Classifier;
import advbench.model.Classifiers;
import advbench.model.Engines;
import advbench.model.ImageBatch;
import ai.djl.ndarray.NDManager;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/**
 * The case a review found in APGD's bookkeeping: a sample first fooled at a checkpoint iterate
 * whose loss did not beat its best, so the schedule halves its step and sends it back to its best
 * point. The answer must be the fooling iterate; it once was the best point, still classified
 * correctly, while the answer's prediction said fooled (the reference records the fooling point
 * before the step-size check). Built here on a fresh small CNN and random 8 x 8 images labelled
 * as the model predicts them (so every sample can be fooled), where APGD-CE at eps 0.1 meets the
 * case on three samples.
 */
class ApgdCheckpointCaseTest {
    static final int N = 200;
    static final int STEPS = 10;
    static final double EPS = 0.1;

    @Test
    void aSampleFooledAtACheckpointAndSentBackKeepsTheImageThatFooledTheModel() {
        Engines.configure(0);
        DataShape shape = new DataShape(1, 8, 8, 10, null);
        Random random = new Random(3);
        float[] pixels = new float[N * shape.pixelsPerImage()];
        for (int k = 0; k < pixels.length; k++) {
            pixels[k] = random.nextFloat();
        }
        Engines.seed(3);
        try (Classifier model = Classifiers.create("small-cnn", shape); NDManager m = model.manager().newSubManager()) {
            int[] labels = model.predict(ImageBatch.of(m, new LabeledImages(pixels, new int[N], shape)));
            Batch batch = new Batch(ImageBatch.of(m, new LabeledImages(pixels, labels, shape)), labels, IntStream.range(0, N).toArray());
            Apgd apgd = new Apgd("APGD-CE", Norm.LINF, STEPS, 1, Loss.crossEntropy(), 3, 1);
            Goal goal = Goal.untargeted(labels);

            List<Integer> bitten = checkpointCases(apgd.trace(model, batch, goal, EPS), labels.length);
            assertFalse(bitten.isEmpty(), "the model and images no longer build the case");

            Adversarial answer = apgd.attack(model, batch, goal, EPS);
            int[] seen = model.predict(answer.images());
            for (int i : bitten) {
                assertTrue(answer.success()[i], "sample " + i + " was fooled at a checkpoint");
                assertEquals(answer.predicted()[i], seen[i], "sample " + i + ": the kept image is the fooling one");
            }
            for (int i = 0; i < N; i++) {
                assertEquals(answer.predicted()[i], seen[i], "sample " + i + ": the kept image gives the kept prediction");
            }
        }
    }

    /**
     * The samples of a traced run (no early stop: the attack's own path) first fooled at an iterate
     * where the schedule, replayed on the traced losses, halves the step without the loss improving.
     */
    static List<Integer> checkpointCases(Traceable.Trace trace, int n) {
        ApgdSchedule schedule = new ApgdSchedule(STEPS, n, EPS);
        int[] rows = IntStream.range(0, n).toArray();
        boolean[] fooled = trace.success()[0].clone();
        schedule.start(rows, trace.loss()[0]);
        List<Integer> cases = new ArrayList<>();
        for (int t = 1; t <= STEPS; t++) {
            boolean[] improved = schedule.record(t, rows, trace.loss()[t]);
            boolean[] halved = schedule.checkpoint(t, rows);
            for (int i = 0; i < n; i++) {
                if (!fooled[i] && trace.success()[t][i] && halved != null && halved[i] && !improved[i]) {
                    cases.add(i);
                }
                fooled[i] |= trace.success()[t][i];
            }
        }
        return cases;
    }
}
