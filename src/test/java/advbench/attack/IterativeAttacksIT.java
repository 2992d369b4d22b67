package advbench.attack;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import advbench.TestFixtures;
import advbench.data.LabeledImages;
import advbench.eval.EpsilonSweeper;
import advbench.eval.Sweep;
import advbench.model.Classifier;
import advbench.model.CrossEntropy;
import advbench.model.ImageBatch;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.Arrays;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What the contract test cannot say for all attacks at once: starts, targets, losses, projections
 * and constructor checks of the iterative family, on a trained model and real MNIST images.
 */
class IterativeAttacksIT {
    static final int N = 100;
    Classifier model;
    LabeledImages images;
    NDManager scope;
    Batch batch;

    @BeforeEach
    void setUp() {
        model = TestFixtures.trainedCnn();
        images = TestFixtures.mnistSubset().test().first(N);
        scope = model.manager().newSubManager();
        batch = new Batch(ImageBatch.of(scope, images), images.labels(), IntStream.range(0, N).toArray());
    }

    @AfterEach
    void tearDown() {
        scope.close();
    }

    static Pgd pgd(int steps, int restarts, Pgd.Start start, long seed, Target target) {
        return new Pgd("PGD", Norm.LINF, steps, StepSize.relative(2.5 / steps), restarts, start, seed, target, Loss.crossEntropy());
    }

    /**
     * FGSM-RS training (Wong et al.'s MNIST code) takes its gradient at x + uniform noise without
     * clipping to [0, 1]; evaluation PGD clips its start. Only the step's result is projected.
     */
    @Test
    void fastTrainingStartsOutsideTheBoxButCraftsInsideIt() {
        double eps = 0.3;
        float[] x = batch.images().toFloatArray();
        float[] clipped = pgd(1, 1, Pgd.Start.RANDOM, 5, null).start(batch.images(), batch, eps).toFloatArray();
        Pgd training = pgd(1, 1, Pgd.Start.RANDOM_UNCLIPPED, 5, null);
        float[] unclipped = training.start(batch.images(), batch, eps).toFloatArray();
        int below = 0;
        for (int k = 0; k < x.length; k++) {
            assertTrue(clipped[k] >= 0f && clipped[k] <= 1f);
            assertTrue(Math.abs(unclipped[k] - x[k]) <= eps + 1e-6);
            below += unclipped[k] < 0f ? 1 : 0;
            if (unclipped[k] >= 0f && unclipped[k] <= 1f) {
                assertEquals(unclipped[k], clipped[k], 1e-6f, "the same noise where no clipping applies");
            }
        }
        // MNIST is mostly black background: about half its noise points below 0
        assertTrue(below > x.length / 4, "pixels below 0: " + below + " of " + x.length);
        float[] crafted = training.craft(model, batch, eps, Loss.crossEntropy()).toFloatArray();
        for (int k = 0; k < x.length; k++) {
            assertTrue(crafted[k] >= 0f && crafted[k] <= 1f && Math.abs(crafted[k] - x[k]) <= eps + 1e-6);
        }
    }

    /** TRADES's adversary starts a thousandth away from x, drawing new noise for every draw (epoch). */
    @Test
    void tradesStartsNearTheImageWithFreshNoiseEachDraw() {
        Pgd trades = pgd(1, 1, Pgd.Start.SMALL_GAUSSIAN, 5, null);
        float[] x = batch.images().toFloatArray();
        float[] a = trades.start(batch.images(), batch, 0.3).toFloatArray();
        float[] b = trades.start(batch.images(), batch.withDraw(1), 0.3).toFloatArray();
        double sq = 0;
        int inside = 0;
        for (int k = 0; k < x.length; k++) {
            assertTrue(a[k] >= 0f && a[k] <= 1f && Math.abs(a[k] - x[k]) < 0.01);
            if (x[k] > 0.01f && x[k] < 0.99f) {
                sq += (a[k] - x[k]) * (double) (a[k] - x[k]);
                inside++;
            }
        }
        assertEquals(0.001, Math.sqrt(sq / inside), 0.0002, "standard deviation of the noise inside the box");
        assertFalse(Arrays.equals(a, b), "another draw, other noise");
    }

    @Test
    void targetedPgdReachesItsTargetOnNinetyPercent() {
        Adversarial adv = EpsilonSweeper.run(pgd(40, 1, Pgd.Start.RANDOM, 1, new Target.RandomClass(9)), model, batch,
                List.of(0.3), Sweep.EXHAUSTIVE).get(0);
        int hit = 0;
        for (int i = 0; i < N; i++) {
            assertTrue(adv.targets()[i] != images.labels()[i] && adv.targets()[i] >= 0 && adv.targets()[i] < 10);
            hit += adv.success()[i] ? 1 : 0;
        }
        assertTrue(hit >= 0.9 * N, "target reached on " + hit + "/" + N);
    }

    @Test
    void pgdFortyLeavesAboutNothingAtPointThree() {
        Adversarial adv = EpsilonSweeper.run(pgd(40, 1, Pgd.Start.RANDOM, 1, null), model, batch, List.of(0.3), Sweep.FAST).get(0);
        long left = IntStream.range(0, N).filter(i -> !adv.success()[i]).count();
        assertTrue(left <= 1, "PGD-40 at 0.3 leaves about nothing: " + left + "/" + N);
    }

    @Test
    void differentSeedsDrawDifferentRandomStarts() {
        float[] a = pgd(1, 1, Pgd.Start.RANDOM, 1, null).attack(model, batch, Goal.untargeted(batch.labels()), 0.3).images().toFloatArray();
        float[] b = pgd(1, 1, Pgd.Start.RANDOM, 2, null).attack(model, batch, Goal.untargeted(batch.labels()), 0.3).images().toFloatArray();
        assertFalse(Arrays.equals(a, b));
    }

    @Test
    void fixedTargetLeavesSamplesOfThatClassAlone() {
        Adversarial adv = EpsilonSweeper.run(new Bim("b", 5, StepSize.relative(0.3), new Target.FixedClass(images.labels()[0]),
                Loss.crossEntropy()), model, batch, List.of(0.3), Sweep.EXHAUSTIVE).get(0);
        int d = images.pixelsPerImage();
        float[] x = batch.images().toFloatArray();
        float[] a = adv.images().toFloatArray();
        assertEquals(Target.NONE, adv.targets()[0]);
        assertFalse(adv.success()[0]);
        assertArrayEquals(Arrays.copyOfRange(x, 0, d), Arrays.copyOfRange(a, 0, d), 0f);
    }

    /** Restarts are the sweeper's: a sample keeps the first restart that fooled it, the rest the last restart's result. */
    @Test
    void moreRestartsNeverFoolFewerSamples() {
        double eps = 0.1;
        Adversarial one = EpsilonSweeper.run(pgd(5, 1, Pgd.Start.RANDOM, 4, null), model, batch, List.of(eps), Sweep.EXHAUSTIVE).get(0);
        Adversarial five = EpsilonSweeper.run(pgd(5, 5, Pgd.Start.RANDOM, 4, null), model, batch, List.of(eps), Sweep.EXHAUSTIVE).get(0);
        int gained = 0;
        for (int i = 0; i < N; i++) {
            assertFalse(one.success()[i] && !five.success()[i], "sample " + i + " fooled by the first restart stays fooled");
            gained += five.success()[i] && !one.success()[i] ? 1 : 0;
        }
        assertTrue(gained > 0, "a weak 5-step attack at 0.1 gains samples from 4 more random starts");
    }

    /**
     * The targeted cross-entropy is the descent of the target's loss, bit for bit the negative of
     * its gradient, which the ascent the loop takes then follows; a sample without a target gets
     * no gradient at all.
     */
    @Test
    void targetedCrossEntropyGradientIsExactlyTheNegatedTargetGradient() {
        int[] labels = Arrays.copyOf(images.labels(), 8);
        int[] targets = new int[8];
        for (int i = 0; i < 8; i++) {
            targets[i] = i == 3 ? Target.NONE : (labels[i] + 1) % 10;
        }
        try (NDManager m = model.manager().newSubManager()) {
            NDArray x = ImageBatch.of(m, images.first(8));
            Goal goal = new Goal(labels, targets, false);
            float[] targeted = model.gradientOf(x, logits -> Loss.crossEntropy().value(logits, goal)).gradient().toFloatArray();
            float[] ofTarget = model.gradientOf(x, logits -> CrossEntropy.sum(logits, goal.lossLabels())).gradient().toFloatArray();
            int d = images.pixelsPerImage();
            for (int k = 0; k < targeted.length; k++) {
                assertEquals(k / d == 3 ? 0f : -ofTarget[k], targeted[k], 0f, "component " + k);
            }
        }
    }

    /** The margin loss on logits written by hand: max over the other classes minus the own class. */
    @Test
    void marginLossOnAHandMadeCase() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray logits = m.create(new float[] {2f, 5f, 1f, 0f, 3f, 4f}, new Shape(2, 3));
            assertEquals((5 - 2) + (3 - 4), Loss.margin().value(logits, Goal.untargeted(new int[] {0, 2})).getFloat(), 1e-6);
            // targeted at class 2 for the first sample: z_t - max other = 1 - 5; the second has no target
            Goal targeted = new Goal(new int[] {0, 2}, new int[] {2, Target.NONE}, false);
            assertEquals(1 - 5, Loss.margin().value(logits, targeted).getFloat(), 1e-6);
        }
    }

    @Test
    void l2ProjectionIsExact() {
        try (NDManager m = NDManager.newBaseManager()) {
            var x = m.create(new float[] {0.5f, 0.5f, 0.5f, 0.5f}, new Shape(1, 1, 2, 2));
            // delta (0.3, 0.4, 0, 0) has norm 0.5: projected onto radius 0.25 it halves
            var far = m.create(new float[] {0.8f, 0.9f, 0.5f, 0.5f}, x.getShape());
            assertArrayEquals(new float[] {0.65f, 0.7f, 0.5f, 0.5f}, Norm.L2.project(far, x, 0.25).toFloatArray(), 1e-6f);
            // inside the ball: unchanged
            var near = m.create(new float[] {0.6f, 0.5f, 0.5f, 0.45f}, x.getShape());
            assertArrayEquals(near.toFloatArray(), Norm.L2.project(near, x, 0.25).toFloatArray(), 1e-7f);
            // the box is applied after the ball, which can only shrink the perturbation
            var out = m.create(new float[] {1.4f, 0.5f, 0.5f, 0.5f}, x.getShape());
            assertArrayEquals(new float[] {0.75f, 0.5f, 0.5f, 0.5f}, Norm.L2.project(out, x, 0.25).toFloatArray(), 1e-6f);
            assertArrayEquals(new float[] {0.75f, 0.5f, 0.5f, 0.5f}, Norm.LINF.project(out, x, 0.25).toFloatArray(), 1e-6f);
        }
    }

    @Test
    void badConstructorParametersAreRefusedNamingTheAttack() {
        assertTrue(assertThrows(IllegalArgumentException.class, () -> new Bim("BIM", 0, StepSize.relative(0.1), null, Loss.crossEntropy()))
                .getMessage().startsWith("BIM: steps must be at least 1"));
        assertThrows(IllegalArgumentException.class, () -> StepSize.absolute(0));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> Norm.parse("l7")).getMessage().contains("unknown norm 'l7'"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> pgd(3, 0, Pgd.Start.RANDOM, 1, null))
                .getMessage().startsWith("PGD: restarts"));
        assertTrue(assertThrows(IllegalArgumentException.class,
                () -> pgd(3, 1, Pgd.Start.RANDOM, 1, null).attack(model, batch, Goal.untargeted(batch.labels()), -0.1))
                .getMessage().startsWith("PGD: epsilon"));
    }
}
