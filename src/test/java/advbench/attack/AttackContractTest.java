package advbench.attack;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import advbench.SpecException;
import advbench.TestFixtures;
import advbench.data.DataShape;
import advbench.data.LabeledImages;
import advbench.eval.EpsilonSweeper;
import advbench.eval.Sweep;
import advbench.experiment.ExperimentLoader;
import advbench.model.Classifier;
import advbench.model.Engines;
import advbench.model.ImageBatch;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Parameter;
import ai.djl.util.Pair;
import com.fasterxml.jackson.databind.JsonMappingException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The guide's attack invariants, for every attack in the registry (with its defaults, as an
 * experiment file that names only its type gets it) and for variants that exercise targets, the
 * L2 norm, restarts and the margin loss; on a trained model and real MNIST images. A new attack
 * registered in {@link Attacks} is checked here without a line of its own.
 */
class AttackContractTest {
    static final int N = 100;
    static final long SEED = 3;
    Classifier model;
    LabeledImages images;
    NDManager scope;
    Batch batch;

    /** Every registered type with its defaults, then variants written as in an experiment file. */
    static Stream<AttackSpec> attacks() {
        List<String> yaml = new ArrayList<>();
        // the AutoAttack components' defaults cost thousands of passes per robust sample (APGD-T: 9 targets of 100
        // steps; Square: 5000 queries); smaller budgets run the same code
        Map<String, String> cheaper = Map.of("apgd-t", "{type: apgd-t, steps: 50, target_classes: 2}", "square", "{type: square, queries: 300}",
                "fab", "{type: fab, steps: 10, target_classes: 2}",
                "autoattack", "{type: autoattack, steps: 10, target_classes: 2, queries: 100}",
                // C&W's defaults are up to 90,000 passes per sample; 2 x 50 runs the same code
                "cw", "{type: cw, binary_steps: 2, steps: 50, epsilons: [0.0, 1.0, 2.5]}");
        Attacks.types().keySet().forEach(type -> yaml.add(cheaper.getOrDefault(type, "type: " + type)));
        yaml.addAll(List.of(
                "{type: pgd, steps: 10, restarts: 2}",
                "{type: pgd, norm: l2, steps: 10, epsilons: [0.0, 1.0, 2.5]}",
                "{type: pgd, steps: 10, loss: margin}",
                "{type: pgd, steps: 10, target: random}",
                "{type: bim, target: 3}",
                "{type: mi-fgsm, target: least-likely}",
                "{type: fgsm, target: random}",
                "{type: apgd, steps: 20, loss: dlr}",
                "{type: apgd, norm: l2, steps: 20, epsilons: [0.0, 1.0, 2.5]}",
                "{type: apgd-t, steps: 10, target_classes: 3}",
                "{type: apgd-t, norm: l2, steps: 10, target_classes: 2, epsilons: [0.0, 1.0, 2.0]}",
                "{type: fab, norm: l2, steps: 10, target_classes: 2, epsilons: [0.0, 1.0, 2.0]}",
                "{type: fab, targeted: false, steps: 10, restarts: 2}",
                "{type: fab, norm: l2, targeted: false, steps: 10, epsilons: [0.0, 1.0, 2.0]}",
                "{type: square, norm: l2, queries: 300, epsilons: [0.0, 1.0, 2.5]}",
                "{type: apgd, steps: 10, eot: 2}",
                "{type: autoattack, version: plus, steps: 10, target_classes: 2, queries: 50}",
                "{type: autoattack, version: rand, steps: 10}",
                "{type: autoattack, norm: l2, steps: 5, target_classes: 2, queries: 50, epsilons: [0.0, 1.0, 2.0]}",
                "{type: deepfool, norm: l2, epsilons: [0.0, 1.0, 2.5]}",
                "{type: fmn, norm: l2, steps: 30, epsilons: [0.0, 1.0, 2.5]}",
                "{type: fmn, norm: l1, steps: 30, epsilons: [0.0, 5.0, 15.0]}",
                "{type: cw, binary_steps: 3, steps: 30, confidence: 2, abort_early: false, epsilons: [0.0, 1.0, 2.5]}"));
        return yaml.stream().map(AttackContractTest::spec);
    }

    static AttackSpec spec(String yaml) {
        try {
            return ExperimentLoader.YAML.readValue(yaml, AttackSpec.class);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(yaml, e);
        }
    }

    /** Its own sweep, else L-inf budgets on the pixel scale; 0 first. */
    static List<Double> epsilons(AttackSpec spec) {
        return spec.epsilons() != null ? spec.epsilons() : List.of(0.0, 0.1, 0.3);
    }

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

    List<Adversarial> sweep(Attack attack, List<Double> eps, Sweep sweep) {
        return EpsilonSweeper.run(attack, model, batch, eps, sweep);
    }

    @ParameterizedTest
    @MethodSource("attacks")
    void staysInItsNormBallAndTheBoxLeavesTheInputAloneAndIsTheIdentityAtZero(AttackSpec spec) {
        Attack attack = spec.build(SEED);
        float[] x = batch.images().toFloatArray();
        for (Sweep s : List.of(Sweep.EXHAUSTIVE, Sweep.FAST)) {
            List<Adversarial> out = sweep(attack, epsilons(spec), s);
            assertArrayEquals(x, out.get(0).images().toFloatArray(), 0f, "eps 0 is the identity");
            assertArrayEquals(x, batch.images().toFloatArray(), 0f, "the input is never modified");
            assertFalse(batch.images().hasGradient());
            int d = images.pixelsPerImage();
            for (Adversarial adv : out) {
                float[] a = adv.images().toFloatArray();
                for (int i = 0; i < N; i++) {
                    for (int k = i * d; k < (i + 1) * d; k++) {
                        assertTrue(a[k] >= 0f && a[k] <= 1f, "pixel out of [0, 1]");
                    }
                    double size = attack.norm().distance(a, x, i * d, d);
                    assertTrue(size <= adv.epsilon() + 1e-5, attack.name() + " " + s + ": |delta| " + size + " > eps " + adv.epsilon());
                }
            }
        }
        assertArrayEquals(x, attack.attack(model, batch, Goal.untargeted(batch.labels()), 0).images().toFloatArray(), 0f,
                "a single run at eps 0 is the identity too");
    }

    /** Success flags agree with predictions, and an untargeted attack never beats clean accuracy. */
    @ParameterizedTest
    @MethodSource("attacks")
    void successMeansTheGoalIsReachedAndNothingBeatsClean(AttackSpec spec) {
        Attack attack = spec.build(SEED);
        int clean = correct(model.predict(batch.images()));
        for (Adversarial adv : sweep(attack, epsilons(spec), Sweep.FAST)) {
            for (int i = 0; i < N; i++) {
                boolean reached = adv.targets() == null ? adv.predicted()[i] != images.labels()[i]
                        : adv.targets()[i] != Target.NONE && adv.predicted()[i] == adv.targets()[i];
                assertEquals(reached, adv.success()[i], attack.name() + " sample " + i);
            }
            if (attack.target() == null) {
                assertTrue(correct(adv.predicted()) <= clean, attack.name() + " at " + adv.epsilon() + " is more accurate than clean");
            }
        }
    }

    /** Early stop only saves gradients: every sample ends where the full loop leaves it. */
    @ParameterizedTest
    @MethodSource("attacks")
    void earlyStopChangesNoResult(AttackSpec spec) {
        Attack attack = spec.build(SEED);
        List<Adversarial> full = sweep(attack, epsilons(spec), Sweep.EXHAUSTIVE);
        List<Adversarial> early = sweep(attack, epsilons(spec), new Sweep(false, true));
        for (int e = 0; e < full.size(); e++) {
            assertArrayEquals(full.get(e).predicted(), early.get(e).predicted(), attack.name() + " eps " + full.get(e).epsilon());
            assertArrayEquals(full.get(e).images().toFloatArray(), early.get(e).images().toFloatArray(), 1e-6f, attack.name());
            assertEquals(N, early.get(e).attacked());
        }
    }

    /**
     * Skipping decided samples, with the epsilons given out of order: a sample succeeds at eps
     * exactly when the exhaustive sweep fooled it at eps or a smaller one; only the samples still
     * open are attacked, and they get the exhaustive sweep's images.
     */
    @ParameterizedTest
    @MethodSource("attacks")
    void skipDecidedCarriesEarlierSuccessesOverInAnyEpsilonOrder(AttackSpec spec) {
        Attack attack = spec.build(SEED);
        List<Double> ascending = epsilons(spec);
        List<Double> shuffled = new ArrayList<>(ascending);
        java.util.Collections.reverse(shuffled);
        List<Adversarial> full = sweep(attack, shuffled, Sweep.EXHAUSTIVE);
        List<Adversarial> fast = sweep(attack, shuffled, Sweep.FAST);
        int d = images.pixelsPerImage();
        boolean[] fooled = new boolean[N];
        for (double eps : ascending) {
            int e = shuffled.indexOf(eps);
            int open = N - (int) IntStream.range(0, N).filter(i -> fooled[i]).count();
            assertEquals(eps, fast.get(e).epsilon());
            assertEquals(open, fast.get(e).attacked(), attack.name() + ": samples attacked at eps " + eps);
            float[] a = full.get(e).images().toFloatArray();
            float[] b = fast.get(e).images().toFloatArray();
            for (int i = 0; i < N; i++) {
                if (!fooled[i]) {
                    assertArrayEquals(Arrays.copyOfRange(a, i * d, (i + 1) * d), Arrays.copyOfRange(b, i * d, (i + 1) * d), 1e-6f,
                            attack.name() + " open sample " + i);
                }
                fooled[i] |= full.get(e).success()[i];
                assertEquals(fooled[i], fast.get(e).success()[i], attack.name() + " eps " + eps + " sample " + i);
            }
        }
    }

    @ParameterizedTest
    @MethodSource("attacks")
    void sameSeedSameResultAndASampleAloneEqualsItInABatch(AttackSpec spec) {
        Attack attack = spec.build(SEED);
        double eps = epsilons(spec).get(1);
        float[] first = sweep(attack, List.of(eps), Sweep.EXHAUSTIVE).get(0).images().toFloatArray();
        assertArrayEquals(first, sweep(spec.build(SEED), List.of(eps), Sweep.EXHAUSTIVE).get(0).images().toFloatArray(), 0f);
        int d = images.pixelsPerImage();
        // samples 10..19 in a batch of their own, with their own ids
        LabeledImages part = images.select(IntStream.range(10, 20).toArray());
        Batch small = new Batch(ImageBatch.of(scope, part), part.labels(), IntStream.range(10, 20).toArray());
        float[] alone = EpsilonSweeper.run(attack, model, small, List.of(eps), Sweep.EXHAUSTIVE).get(0).images().toFloatArray();
        assertArrayEquals(Arrays.copyOfRange(first, 10 * d, 20 * d), alone, 1e-6f, attack.name());
    }

    /** Attacks take gradients with the parameters frozen: nothing leaks into a later training step. */
    @ParameterizedTest
    @MethodSource("attacks")
    void leavesNoParameterGradientBehind(AttackSpec spec) {
        sweep(spec.build(SEED), epsilons(spec), Sweep.FAST);
        assertFalse(model.parametersTrainable(), "a finished model stays frozen");
        for (Pair<String, Parameter> p : model.djlModel().getBlock().getParameters()) {
            NDArray w = p.getValue().getArray();
            assertFalse(w.hasGradient() && w.getGradient().abs().sum().getFloat() > 0, p.getKey());
        }
    }

    /**
     * The convergence indicator's longer run: the same attack (same type, label and epsilons)
     * with twice its steps or queries, everything else as written; a default step size that is a
     * share of the steps is pinned, so the step stays the same. A single step has none.
     */
    @ParameterizedTest
    @MethodSource("attacks")
    void twiceTheStepsIsTheSameAttackWithTwiceTheIterations(AttackSpec spec) throws ReflectiveOperationException {
        AttackSpec longer = spec.twiceTheSteps();
        if (spec instanceof Fgsm.Spec || spec instanceof Fgm.Spec) {
            assertNull(longer, spec.label());
            return;
        }
        assertNotNull(longer, spec.label());
        assertEquals(spec.getClass(), longer.getClass());
        assertEquals(spec.label(), longer.label());
        assertEquals(spec.epsilons(), longer.epsilons());
        int doubled = 0;
        for (java.lang.reflect.RecordComponent c : spec.getClass().getRecordComponents()) {
            Object before = c.getAccessor().invoke(spec);
            Object after = c.getAccessor().invoke(longer);
            if (c.getName().equals("steps") || c.getName().equals("queries")) {
                assertEquals(2 * (Integer) before, after, c.getName());
                doubled++;
            } else if (c.getName().equals("relStepSize") && before == null && after != null) {
                assertTrue(spec instanceof Pgd.Spec || spec instanceof Bim.Spec || spec instanceof MiFgsm.Spec, spec.label());
            } else {
                assertEquals(before, after, c.getName());
            }
        }
        assertTrue(doubled >= 1, spec.label());
        longer.build(SEED);
        if (spec instanceof Pgd.Spec pgd && pgd.stepSize() == null && pgd.relStepSize() == null) {
            assertEquals(2.5 / pgd.steps(), ((Pgd.Spec) longer).relStepSize(), 1e-15);
        }
    }

    /**
     * Bad parameters are refused when read, naming the field: a negative epsilon for every type,
     * and steps, step sizes, restarts, norm and loss wherever the type has them; a negative
     * epsilon given to the attack object itself names the attack.
     */
    @ParameterizedTest
    @MethodSource("attacks")
    void badParametersAreRefusedNamingTheParameter(AttackSpec spec) {
        String type = spec.getClass().getEnclosingClass().getSimpleName();
        String name = Attacks.types().entrySet().stream().filter(e -> e.getValue() == spec.getClass()).findFirst().orElseThrow().getKey();
        List<String[]> bad = new ArrayList<>(List.<String[]>of(new String[] {"epsilons: [-0.1]", "epsilons[0]"}));
        List<String> fields = Arrays.stream(spec.getClass().getRecordComponents()).map(c -> c.getName()).toList();
        if (fields.contains("steps")) {
            bad.add(new String[] {"steps: 0", "steps"});
        }
        if (fields.contains("relStepSize")) {
            bad.add(new String[] {"rel_step_size: 0", "rel_step_size"});
            bad.add(new String[] {"step_size: -1", "step_size"});
        }
        if (fields.contains("restarts")) {
            bad.add(new String[] {"restarts: 0", "restarts"});
        }
        if (fields.contains("norm")) {
            bad.add(new String[] {"norm: l7", "norm"});
        }
        if (fields.contains("loss")) {
            bad.add(new String[] {"loss: hinge", "loss"});
        }
        for (String[] b : bad) {
            JsonMappingException e = assertThrows(JsonMappingException.class,
                    () -> ExperimentLoader.YAML.readValue("{type: " + name + ", " + b[0] + "}", AttackSpec.class), type + " " + b[0]);
            assertTrue(e.getCause() instanceof SpecException s && s.field().equals(b[1]), type + " " + b[0] + ": " + e.getCause());
        }
        Attack attack = spec.build(SEED);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> sweep(attack, List.of(0.1, -0.1), Sweep.FAST));
        assertTrue(e.getMessage().startsWith(attack.name() + ": epsilon"), e.getMessage());
    }

    /** An iterative untargeted L-inf attack fools every sample FGSM fools at the same epsilon. */
    @ParameterizedTest
    @MethodSource("attacks")
    void anIterativeAttackIsAtLeastAsStrongAsFgsmOnEverySample(AttackSpec spec) {
        Attack attack = spec.build(SEED);
        assumeTrue(attack.iterative() && attack.target() == null && attack.norm() == Norm.LINF,
                "only untargeted iterative L-inf attacks are compared with FGSM");
        List<Double> eps = List.of(0.1, 0.2, 0.3);
        List<Adversarial> fgsm = sweep(new Fgsm(), eps, Sweep.EXHAUSTIVE);
        List<Adversarial> iterative = sweep(attack, eps, Sweep.EXHAUSTIVE);
        for (int e = 0; e < eps.size(); e++) {
            for (int i = 0; i < N; i++) {
                assertFalse(fgsm.get(e).success()[i] && !iterative.get(e).success()[i],
                        attack.name() + ": sample " + i + " at eps " + eps.get(e));
            }
        }
    }

    /**
     * Nothing in an attack may assume MNIST: on colour images of another, non-square size and 4
     * classes (a fresh model, random images) every attack keeps to its ball and the box, is the
     * identity at 0, leaves its input alone, and gives a sample alone what it gives it in a batch.
     */
    @ParameterizedTest
    @MethodSource("attacks")
    void invariantsHoldOnColourImagesOfAnotherSize(AttackSpec spec) {
        DataShape shape = new DataShape(3, 16, 12, 4, null);
        java.util.Random random = new java.util.Random(5);
        int n = 12;
        float[] pixels = new float[n * shape.pixelsPerImage()];
        for (int k = 0; k < pixels.length; k++) {
            pixels[k] = random.nextFloat();
        }
        int[] labels = IntStream.range(0, n).map(i -> i % 4).toArray();
        LabeledImages colour = new LabeledImages(pixels, labels, shape);
        Engines.seed(5);
        try (Classifier fresh = Classifier.create("small-cnn", shape); NDManager m = fresh.manager().newSubManager()) {
            Attack attack = spec.build(SEED);
            Batch all = new Batch(ImageBatch.of(m, colour), labels, IntStream.range(0, n).toArray());
            List<Double> eps = epsilons(spec);
            List<Adversarial> out = EpsilonSweeper.run(attack, fresh, all, eps, Sweep.FAST);
            assertArrayEquals(pixels, all.images().toFloatArray(), 0f, "the input is never modified");
            assertArrayEquals(pixels, out.get(0).images().toFloatArray(), 0f, "eps 0 is the identity");
            int d = shape.pixelsPerImage();
            for (Adversarial adv : out) {
                assertEquals(new ai.djl.ndarray.types.Shape(n, 3, 16, 12), adv.images().getShape());
                float[] a = adv.images().toFloatArray();
                for (int i = 0; i < n; i++) {
                    for (int k = i * d; k < (i + 1) * d; k++) {
                        assertTrue(a[k] >= 0f && a[k] <= 1f, "pixel out of [0, 1]");
                    }
                    double size = attack.norm().distance(a, pixels, i * d, d);
                    assertTrue(size <= adv.epsilon() + 1e-5, attack.name() + ": |delta| " + size + " > eps " + adv.epsilon());
                    if (adv.targets() != null) {
                        assertTrue(adv.targets()[i] < 4, "targets are classes of the data: " + adv.targets()[i]);
                    }
                }
            }
            float[] batched = EpsilonSweeper.run(attack, fresh, all, List.of(eps.get(2)), Sweep.EXHAUSTIVE).get(0).images().toFloatArray();
            LabeledImages part = colour.select(new int[] {5, 6});
            Batch two = new Batch(ImageBatch.of(m, part), part.labels(), new int[] {5, 6});
            float[] alone = EpsilonSweeper.run(attack, fresh, two, List.of(eps.get(2)), Sweep.EXHAUSTIVE).get(0).images().toFloatArray();
            assertArrayEquals(Arrays.copyOfRange(batched, 5 * d, 7 * d), alone, 1e-6f, attack.name());
        }
    }

    @Test
    void fgsmUsesTheWholeBudgetAndFoolsMostSamplesAtPointThree() {
        List<Adversarial> out = sweep(new Fgsm(), List.of(0.0, 0.1, 0.3), Sweep.FAST);
        float[] x = batch.images().toFloatArray();
        for (Adversarial adv : out.subList(1, 3)) {
            float[] a = adv.images().toFloatArray();
            float max = 0;
            for (int i = 0; i < a.length; i++) {
                max = Math.max(max, Math.abs(a[i] - x[i]));
            }
            assertTrue(max > adv.epsilon() - 1e-6, "FGSM uses the whole budget somewhere");
        }
        int clean = correct(model.predict(batch.images()));
        assertTrue(clean > 90, "the fixture model is trained: " + clean + "/" + N);
        assertTrue(correct(out.get(2).predicted()) < 0.3 * clean, "FGSM at 0.3 fools most samples");
    }

    private int correct(int[] predicted) {
        int c = 0;
        for (int i = 0; i < predicted.length; i++) {
            c += predicted[i] == images.labels()[i] ? 1 : 0;
        }
        return c;
    }
}
