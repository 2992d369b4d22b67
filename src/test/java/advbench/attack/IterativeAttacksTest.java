package advbench.attack;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import advbench.TestFixtures;
import advbench.data.LabeledImages;
import advbench.model.Classifier;
import advbench.model.ImageBatch;
import ai.djl.ndarray.NDManager;
import java.util.Arrays;
import java.util.List;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** The guide's invariants for every iterative attack, on a trained model and real MNIST images. */
class IterativeAttacksTest {
    static final int N = 100;
    Classifier model;
    LabeledImages images;
    NDManager scope;
    Batch batch;

    static Stream<Attack> attacks() {
        StepSize rel = StepSize.relative(0.25);
        return Stream.of(
                new Bim("BIM-10", 10, rel, null),
                new Pgd("PGD-10", Norm.LINF, 10, rel, 2, true, 3, null),
                new Pgd("PGD-L2-10", Norm.L2, 10, rel, 1, true, 3, null),
                new MiFgsm("MI-FGSM-10", 10, StepSize.relative(0.1), 1.0, null),
                new Pgd("PGD-10 -> random", Norm.LINF, 10, rel, 1, true, 3, new Target.RandomClass(4)),
                new Bim("BIM-10 -> 3", 10, rel, new Target.FixedClass(3)),
                new MiFgsm("MI-FGSM -> least-likely", 10, StepSize.relative(0.1), 1.0, new Target.LeastLikely()));
    }

    /** Budgets on each norm's scale: L2 budgets are larger. */
    static List<Double> epsilons(Attack a) {
        return a.norm() == Norm.L2 ? List.of(0.0, 1.0, 2.5) : List.of(0.0, 0.1, 0.3);
    }

    @BeforeEach
    void setUp() {
        model = TestFixtures.trainedCnn();
        images = TestFixtures.mnistSubset().test().select(range(0, N));
        scope = model.manager().newSubManager();
        batch = new Batch(ImageBatch.of(scope, images), images.labels(), range(0, N));
    }

    @AfterEach
    void tearDown() {
        scope.close();
    }

    static int[] range(int from, int to) {
        return java.util.stream.IntStream.range(from, to).toArray();
    }

    @ParameterizedTest
    @MethodSource("attacks")
    void staysInItsNormBallAndTheBoxAndLeavesTheInputAlone(Attack attack) {
        for (Sweep sweep : List.of(Sweep.EXHAUSTIVE, Sweep.FAST)) {
            float[] x = batch.images().toFloatArray();
            List<Adversarial> out = attack.run(model, batch, epsilons(attack), sweep);
            assertArrayEquals(x, out.get(0).images().toFloatArray(), 0f, "eps 0 is the identity");
            assertArrayEquals(x, batch.images().toFloatArray(), 0f, "the input is never modified");
            int d = images.pixelsPerImage();
            for (Adversarial adv : out) {
                float[] a = adv.images().toFloatArray();
                for (int i = 0; i < N; i++) {
                    double linf = 0;
                    double l2 = 0;
                    for (int k = i * d; k < (i + 1) * d; k++) {
                        assertTrue(a[k] >= 0f && a[k] <= 1f, "pixel out of [0, 1]");
                        double delta = a[k] - x[k];
                        linf = Math.max(linf, Math.abs(delta));
                        l2 += delta * delta;
                    }
                    double size = attack.norm() == Norm.L2 ? Math.sqrt(l2) : linf;
                    assertTrue(size <= adv.epsilon() + 1e-5, attack.name() + " " + sweep + ": |delta| " + size + " > eps " + adv.epsilon());
                }
            }
        }
    }

    /** Early stop only saves gradients: every sample ends where the full loop leaves it. */
    @ParameterizedTest
    @MethodSource("attacks")
    void earlyStopChangesNoResult(Attack attack) {
        List<Adversarial> full = attack.run(model, batch, epsilons(attack), Sweep.EXHAUSTIVE);
        List<Adversarial> early = attack.run(model, batch, epsilons(attack), new Sweep(false, true));
        for (int e = 0; e < full.size(); e++) {
            assertArrayEquals(full.get(e).predicted(), early.get(e).predicted(), attack.name() + " eps " + full.get(e).epsilon());
            assertArrayEquals(full.get(e).images().toFloatArray(), early.get(e).images().toFloatArray(), 1e-6f, attack.name());
            assertEquals(N, early.get(e).attacked());
        }
    }

    /**
     * Skipping decided samples: a sample succeeds at eps exactly when the exhaustive sweep fooled
     * it at eps or any smaller epsilon, and only the samples still open are attacked.
     */
    @ParameterizedTest
    @MethodSource("attacks")
    void skipDecidedCarriesEarlierSuccessesOver(Attack attack) {
        List<Double> eps = epsilons(attack);
        List<Adversarial> full = attack.run(model, batch, eps, Sweep.EXHAUSTIVE);
        List<Adversarial> fast = attack.run(model, batch, eps, Sweep.FAST);
        boolean[] fooledSoFar = new boolean[N];
        int open = N;
        for (int e = 0; e < eps.size(); e++) {
            assertEquals(open, fast.get(e).attacked(), attack.name() + ": samples attacked at eps " + eps.get(e));
            for (int i = 0; i < N; i++) {
                fooledSoFar[i] |= full.get(e).success()[i];
                assertEquals(fooledSoFar[i], fast.get(e).success()[i], attack.name() + " eps " + eps.get(e) + " sample " + i);
            }
            open = N - (int) IntStream.range(0, N).filter(i -> fooledSoFar[i]).count();
        }
    }

    @ParameterizedTest
    @MethodSource("attacks")
    void sameSeedSameResultAndASampleAloneEqualsItInABatch(Attack attack) {
        double eps = epsilons(attack).get(1);
        float[] first = attack.run(model, batch, List.of(eps)).get(0).images().toFloatArray();
        assertArrayEquals(first, attack.run(model, batch, List.of(eps)).get(0).images().toFloatArray(), 0f);
        int d = images.pixelsPerImage();
        // samples 10..19 alone in a batch of their own, with their own ids
        LabeledImages part = images.select(range(10, 20));
        Batch small = new Batch(ImageBatch.of(scope, part), part.labels(), range(10, 20));
        float[] alone = attack.run(model, small, List.of(eps)).get(0).images().toFloatArray();
        assertArrayEquals(Arrays.copyOfRange(first, 10 * d, 20 * d), alone, 1e-6f, attack.name());
    }

    /**
     * FGSM-RS training (Wong et al.'s MNIST code) takes its gradient at x + uniform noise without
     * clipping to [0, 1]; evaluation PGD clips its start. Only the step's result is projected.
     */
    @Test
    void fastTrainingStartsOutsideTheBoxButCraftsInsideIt() {
        double eps = 0.3;
        float[] x = batch.images().toFloatArray();
        Pgd evaluation = new Pgd("PGD", Norm.LINF, 1, StepSize.relative(1.25), 1, Pgd.Start.RANDOM, 5, null);
        Pgd training = new Pgd("fgsm-rs", Norm.LINF, 1, StepSize.relative(1.25), 1, Pgd.Start.RANDOM_UNCLIPPED, 5, null);
        float[] clipped = evaluation.start(batch.images(), batch, eps, 0).toFloatArray();
        float[] unclipped = training.start(batch.images(), batch, eps, 0).toFloatArray();
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
        float[] crafted = training.craft(model, batch, eps, 0).toFloatArray();
        for (int k = 0; k < x.length; k++) {
            assertTrue(crafted[k] >= 0f && crafted[k] <= 1f && Math.abs(crafted[k] - x[k]) <= eps + 1e-6);
        }
    }

    @Test
    void pgdIsAtLeastAsStrongAsFgsmOnEverySample() {
        List<Double> eps = List.of(0.1, 0.2, 0.3);
        List<Adversarial> fgsm = new Fgsm().run(model, batch, eps);
        List<Adversarial> pgd = new Pgd("PGD-40", Norm.LINF, 40, StepSize.relative(2.5 / 40), 1, true, 1, null).run(model, batch, eps);
        for (int e = 0; e < eps.size(); e++) {
            for (int i = 0; i < N; i++) {
                assertFalse(fgsm.get(e).success()[i] && !pgd.get(e).success()[i], "sample " + i + " at eps " + eps.get(e));
            }
        }
        long left = java.util.stream.IntStream.range(0, N).filter(i -> !pgd.get(2).success()[i]).count();
        assertTrue(left <= 1, "PGD-40 at 0.3 leaves about nothing: " + left + "/" + N);
    }

    @Test
    void targetedPgdReachesItsTargetOnNinetyPercent() {
        Target target = new Target.RandomClass(9);
        Adversarial adv = new Pgd("PGD-40", Norm.LINF, 40, StepSize.relative(2.5 / 40), 1, true, 1, target)
                .run(model, batch, List.of(0.3)).get(0);
        int hit = 0;
        for (int i = 0; i < N; i++) {
            assertTrue(adv.targets()[i] != images.labels()[i]);
            assertEquals(adv.predicted()[i] == adv.targets()[i], adv.success()[i]);
            hit += adv.success()[i] ? 1 : 0;
        }
        assertTrue(hit >= 0.9 * N, "target reached on " + hit + "/" + N);
    }

    @Test
    void differentSeedsDrawDifferentRandomStarts() {
        float[] a = new Pgd("p", Norm.LINF, 1, StepSize.relative(0.1), 1, true, 1, null).run(model, batch, List.of(0.3)).get(0).images().toFloatArray();
        float[] b = new Pgd("p", Norm.LINF, 1, StepSize.relative(0.1), 1, true, 2, null).run(model, batch, List.of(0.3)).get(0).images().toFloatArray();
        assertFalse(Arrays.equals(a, b));
    }

    @Test
    void fixedTargetLeavesSamplesOfThatClassAlone() {
        Adversarial adv = new Bim("b", 5, StepSize.relative(0.3), new Target.FixedClass(images.labels()[0]))
                .run(model, batch, List.of(0.3)).get(0);
        int d = images.pixelsPerImage();
        float[] x = batch.images().toFloatArray();
        float[] a = adv.images().toFloatArray();
        assertEquals(Target.NONE, adv.targets()[0]);
        assertFalse(adv.success()[0]);
        assertArrayEquals(Arrays.copyOfRange(x, 0, d), Arrays.copyOfRange(a, 0, d), 0f);
    }

    @Test
    void l2ProjectionIsExact() {
        try (NDManager m = NDManager.newBaseManager()) {
            var x = m.create(new float[] {0.5f, 0.5f, 0.5f, 0.5f}, new ai.djl.ndarray.types.Shape(1, 1, 2, 2));
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
    void badParametersAreRefusedNamingTheAttack() {
        assertTrue(assertThrows(IllegalArgumentException.class, () -> new Bim("BIM", 0, StepSize.relative(0.1), null))
                .getMessage().startsWith("BIM: steps must be at least 1"));
        assertThrows(IllegalArgumentException.class, () -> StepSize.absolute(0));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> Norm.parse("l7")).getMessage().contains("unknown norm 'l7'"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> new Pgd("PGD", Norm.LINF, 3, StepSize.relative(0.1), 0, true, 1, null))
                .getMessage().startsWith("PGD: restarts"));
        assertTrue(assertThrows(IllegalArgumentException.class,
                () -> new Pgd("PGD", Norm.LINF, 3, StepSize.relative(0.1), 1, true, 1, null).run(model, batch, List.of(-0.1)))
                .getMessage().startsWith("PGD: epsilon"));
    }
}
