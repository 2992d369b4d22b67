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
        float[] x = batch.images().toFloatArray();
        List<Adversarial> out = attack.run(model, batch, epsilons(attack));
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
                assertTrue(size <= adv.epsilon() + 1e-5, attack.name() + ": |delta| " + size + " > eps " + adv.epsilon());
            }
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
