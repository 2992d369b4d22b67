package advbench.attack;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import advbench.TestFixtures;
import advbench.data.LabeledImages;
import advbench.eval.MetricsCalculator;
import advbench.model.Classifier;
import advbench.model.ImageBatch;
import ai.djl.ndarray.NDManager;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/**
 * The ensemble runner on a trained CNN and real MNIST images: a sample survives the ensemble
 * exactly when it survives every attack of it run alone (each sample's attack depends only on the
 * sample, its seed and its draw), each stage is credited with the samples it decided, and the
 * accuracy after the stages only falls.
 */
class AutoAttackTest {
    static final int N = 150;

    @Test
    void robustToTheEnsembleIffRobustToEachAttackAlone() {
        Classifier model = TestFixtures.trainedCnn();
        LabeledImages images = TestFixtures.mnistSubset().test().first(N);
        List<Attack> parts = List.of(new Apgd("APGD-CE", Norm.LINF, 20, 1, "ce", 0, 5), new Apgd("APGD-T", Norm.LINF, 20, 1, "dlr", 3, 5),
                new Square("Square", 200, 0.8, 1, 5));
        AutoAttack ensemble = new AutoAttack("AA", Norm.LINF, parts);
        assertEquals(List.of("clean", "APGD-CE", "APGD-T", "Square"), ensemble.stages());
        double eps = 0.1;
        try (NDManager scope = model.manager().newSubManager()) {
            Batch batch = new Batch(ImageBatch.of(scope, images), images.labels(), IntStream.range(0, N).toArray());
            Goal goal = new Goal(images.labels(), null, true);
            Adversarial all = ensemble.attack(model, batch, goal, eps);
            boolean[] robustToEach = Rows.not(goal.success(model.predict(batch.images())));
            int[] firstFooledBy = new int[N];
            java.util.Arrays.fill(firstFooledBy, -1);
            for (int i = 0; i < N; i++) {
                firstFooledBy[i] = robustToEach[i] ? -1 : 0;
            }
            for (int k = 0; k < parts.size(); k++) {
                Attack a = parts.get(k);
                boolean[] fooled = new boolean[N];
                for (int r = 0; r < a.restarts(); r++) {
                    Adversarial alone = a.attack(model, batch.withDraw(r), goal, eps);
                    for (int i = 0; i < N; i++) {
                        fooled[i] |= alone.success()[i];
                    }
                }
                for (int i = 0; i < N; i++) {
                    if (fooled[i] && firstFooledBy[i] < 0) {
                        firstFooledBy[i] = k + 1;
                    }
                    robustToEach[i] &= !fooled[i];
                }
            }
            assertArrayEquals(Rows.not(robustToEach), all.success(), "fooled by the ensemble = fooled by some attack alone");
            assertArrayEquals(firstFooledBy, all.stages(), "each sample credited to the first attack that fools it alone");
            double[] after = MetricsCalculator.accuracyAfterStages(all.stages(), 4);
            for (int s = 1; s < after.length; s++) {
                assertTrue(after[s] <= after[s - 1], "accuracy after each stage only falls: " + java.util.Arrays.toString(after));
            }
            assertTrue(after[1] < after[0], "APGD-CE fools some samples at 0.1: " + java.util.Arrays.toString(after));
            int robust = 0;
            for (boolean f : all.success()) {
                robust += f ? 0 : 1;
            }
            assertEquals(robust / (double) N, after[3], 1e-12, "the last stage's accuracy is the ensemble's");
            float[] x = batch.images().toFloatArray();
            float[] adv = all.images().toFloatArray();
            for (int k = 0; k < x.length; k++) {
                assertTrue(Math.abs(adv[k] - x[k]) <= eps + 1e-6 && adv[k] >= 0 && adv[k] <= 1);
            }
        }
    }
}
