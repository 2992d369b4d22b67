package advbench.attack;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import advbench.TestFixtures;
import advbench.data.LabeledImages;
import advbench.model.Classifier;
import advbench.model.ImageBatch;
import ai.djl.ndarray.NDManager;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/**
 * An ensemble's runs of a stage (target classes, restarts) passed together in one batch give what
 * running them one after another gives, sample by sample: the stage that decided each sample, its
 * prediction and its point. Each run of a sample depends on the sample and its draw alone (its
 * target class, its random start), so stacking only changes how many images share a pass.
 */
class StackedRunsTest {
    static final double EPS = 0.05;
    static final int N = 40;

    static AutoAttack ensemble(String version) {
        return (AutoAttack) new AutoAttack.Spec(null, version, null, 5, 3, 40, null, null, null, null, null, null).build(3);
    }

    @Test
    void stackedRunsGiveTheVerdictsAndPointsOfRunsOneAfterAnother() {
        TestFixtures.Synthetic s = TestFixtures.synthetic();
        Classifier model = s.model();
        LabeledImages images = s.test().first(N);
        // standard: APGD-T's and FAB-T's 3 targets; plus: APGD-CE's, APGD-DLR's and FAB's 5 restarts from random starts
        for (String version : List.of("standard", "plus")) {
            try (NDManager scope = model.manager().newSubManager()) {
                Batch batch = new Batch(ImageBatch.of(scope, images), images.labels(), IntStream.range(0, N).toArray());
                Goal goal = Goal.untargeted(images.labels());
                List<String> stacks = new ArrayList<>();
                AutoAttack.StageListener heard = (eps, stage, attack, run, stacked, runs, entered, left, nanos, fwd, bwd) -> {
                    if (stacked > 1) {
                        stacks.add(attack + " " + run + "+" + stacked);
                    }
                };
                Adversarial oneByOne = ensemble(version).attack(model, batch, goal, EPS);
                Adversarial together = ensemble(version).stackingUpTo(10_000).reporting(heard).attack(model, batch, goal, EPS);
                assertTrue(!stacks.isEmpty(), version + ": some runs were stacked");
                assertArrayEquals(oneByOne.stages(), together.stages(), version + ": the stage that decided each sample");
                assertArrayEquals(oneByOne.predicted(), together.predicted(), version);
                float[] a = oneByOne.images().toFloatArray();
                float[] b = together.images().toFloatArray();
                for (int k = 0; k < a.length; k++) {
                    assertEquals(a[k], b[k], 1e-5, version + ": pixel " + k);
                }
                int decided = (int) IntStream.of(together.stages()).filter(st -> st > 0).count();
                assertTrue(decided > 0 && IntStream.of(together.stages()).anyMatch(st -> st == -1),
                        version + ": the fixture has samples fooled and samples left robust at " + EPS);
            }
        }
    }

    @Test
    void aStackedBatchRepeatsItsRowsOncePerDraw() {
        TestFixtures.Synthetic s = TestFixtures.synthetic();
        LabeledImages images = s.test().first(6);
        try (NDManager scope = s.model().manager().newSubManager()) {
            Batch batch = new Batch(ImageBatch.of(scope, images), images.labels(), new int[] {10, 11, 12, 13, 14, 15});
            try (Batch stacked = batch.stacked(new int[] {1, 4}, 2, 3)) {
                assertArrayEquals(new int[] {11, 14, 11, 14, 11, 14}, stacked.sampleIds());
                assertArrayEquals(new int[] {2, 2, 3, 3, 4, 4}, IntStream.range(0, 6).map(stacked::drawOf).toArray());
                assertArrayEquals(Rows.pick(images.labels(), new int[] {1, 4, 1, 4, 1, 4}), stacked.labels());
                float[] all = batch.images().toFloatArray();
                float[] got = stacked.images().toFloatArray();
                int d = batch.pixelsPerImage();
                for (int k = 0; k < d; k++) {
                    assertEquals(all[4 * d + k], got[5 * d + k]);
                }
                assertThrows(IllegalStateException.class, stacked::draw, "a stacked batch has no one draw");
            }
            assertEquals(7, batch.withDraw(7).draw());
            Goal goal = Goal.untargeted(images.labels());
            // two of six rows three times is six rows: still the stacked rows' goal, not the whole batch's
            assertArrayEquals(Rows.pick(images.labels(), new int[] {1, 4, 1, 4, 1, 4}), goal.stacked(new int[] {1, 4}, 3).labels());
        }
    }
}
