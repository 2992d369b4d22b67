package advbench.attack;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import advbench.SpecException;
import advbench.data.DataShape;
import advbench.data.LabeledImages;
import advbench.eval.EpsilonSweeper;
import advbench.eval.Sweep;
import advbench.experiment.ExperimentLoader;
import advbench.model.Classifier;
import advbench.model.Classifiers;
import advbench.model.Engines;
import advbench.model.ImageBatch;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Parameter;
import ai.djl.util.Pair;
import com.fasterxml.jackson.databind.JsonMappingException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The guide's attack invariants, checked for every attack a tier lists (every registered type,
 * and variants that exercise targets, the L2 norm, restarts and the losses): the fast tier on a
 * small synthetic model with cheap budgets ({@link AttackContractTest}), the integration tier on
 * real MNIST with each attack's defaults ({@link AttackContractIT}). A new attack registered in
 * {@link Attacks} is checked by both without a line of its own.
 *
 * <p>Each attack's sweeps are computed once (exhaustive, with the shortcuts, and with early stop
 * alone, all over the epsilons in decreasing order so that the sweeper's ordering is exercised
 * too) and every invariant is read off them.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class AttackContract {
    static final long SEED = 3;

    Classifier model;
    LabeledImages images;
    NDManager scope;
    Batch batch;
    int n;
    private final Map<String, Sweeps> sweeps = new HashMap<>();

    /** The attacks of this tier, as experiment-file entries. */
    abstract Stream<String> attacks();

    /** The trained model the invariants are checked on. */
    abstract Classifier trainedModel();

    /** The attack a spec builds against {@code evaluated} (a transfer attack's source must take that model's images). */
    Attack attackOf(AttackSpec spec, Classifier evaluated) {
        return spec.build(SEED);
    }

    /** What the colour test evaluates on its fresh network: the network itself, or it behind a tier's defence. */
    Classifier evaluated(Classifier fresh) {
        return fresh;
    }

    /** The test images attacked (the first {@code n} are taken). */
    abstract LabeledImages testImages();

    /** Its own sweep, else budgets in its norm on the pixel scale; 0 first. */
    static List<Double> epsilons(AttackSpec spec) {
        if (spec.epsilons() != null) {
            return spec.epsilons();
        }
        return spec.epsilonNorm() == Norm.LINF ? List.of(0.0, 0.1, 0.2, 0.3) : List.of(0.0, 1.0, 2.5);
    }

    static AttackSpec spec(String yaml) {
        try {
            return ExperimentLoader.YAML.readValue(yaml, AttackSpec.class);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(yaml, e);
        }
    }

    Stream<AttackSpec> specs() {
        return attacks().map(AttackContract::spec);
    }

    @BeforeAll
    void setUp() {
        model = trainedModel();
        images = testImages();
        n = images.count();
        scope = model.manager().newSubManager();
        batch = new Batch(ImageBatch.of(scope, images), images.labels(), IntStream.range(0, n).toArray());
    }

    @AfterAll
    void tearDown() {
        scope.close();
    }

    /** One sweep's results on the host, in the order the epsilons were given. */
    record Result(double eps, float[] images, int[] predicted, int[] targets, boolean[] success, int attacked) {}

    /** An attack's three sweeps, over its epsilons in decreasing order, and the model's parameters' state after them. */
    record Sweeps(List<Double> epsilons, List<Result> exhaustive, List<Result> fast, List<Result> earlyStopOnly, boolean gradientsLeft) {
        Result at(List<Result> sweep, double eps) {
            return sweep.get(epsilons.indexOf(eps));
        }
    }

    static List<Result> host(List<Adversarial> out) {
        List<Result> results = new ArrayList<>();
        for (Adversarial a : out) {
            results.add(new Result(a.epsilon(), a.images().toFloatArray(), a.predicted(), a.targets(), a.success(), a.attacked()));
            a.images().close();
        }
        return results;
    }

    List<Result> sweep(Attack attack, Batch on, Classifier with, List<Double> eps, Sweep how) {
        return host(EpsilonSweeper.run(attack, with, on, eps, how));
    }

    /** The attack's sweeps, computed on first use and shared by every invariant. */
    Sweeps sweeps(AttackSpec spec) {
        return sweeps.computeIfAbsent(spec.toString(), key -> {
            Attack attack = attackOf(spec, model);
            List<Double> descending = new ArrayList<>(epsilons(spec));
            java.util.Collections.reverse(descending);
            List<Result> exhaustive = sweep(attack, batch, model, descending, Sweep.EXHAUSTIVE);
            List<Result> fast = sweep(attack, batch, model, descending, Sweep.FAST);
            List<Result> early = sweep(attack, batch, model, descending, new Sweep(false, true));
            return new Sweeps(descending, exhaustive, fast, early, parameterGradientsLeft());
        });
    }

    private boolean parameterGradientsLeft() {
        for (Pair<String, Parameter> p : model.djlModel().getBlock().getParameters()) {
            NDArray w = p.getValue().getArray();
            if (w.hasGradient() && w.getGradient().abs().sum().getFloat() > 0) {
                return true;
            }
        }
        return model.trainability().any();
    }

    @ParameterizedTest
    @MethodSource("specs")
    void staysInItsNormBallAndTheBoxLeavesTheInputAloneAndIsTheIdentityAtZero(AttackSpec spec) {
        Sweeps s = sweeps(spec);
        Attack attack = attackOf(spec, model);
        float[] x = batch.images().toFloatArray();
        assertArrayEquals(x, images.pixels(), 0f, "the input is never modified");
        assertFalse(batch.images().hasGradient());
        int d = images.pixelsPerImage();
        for (List<Result> sweep : List.of(s.exhaustive(), s.fast())) {
            assertArrayEquals(x, s.at(sweep, 0.0).images(), 0f, "eps 0 is the identity");
            for (Result r : sweep) {
                for (int i = 0; i < n; i++) {
                    for (int k = i * d; k < (i + 1) * d; k++) {
                        assertTrue(r.images()[k] >= 0f && r.images()[k] <= 1f, "pixel out of [0, 1]");
                    }
                    double size = attack.norm().distance(r.images(), x, i * d, d);
                    assertTrue(size <= r.eps() + 1e-5, attack.name() + ": |delta| " + size + " > eps " + r.eps());
                }
            }
        }
        assertArrayEquals(x, attack.attack(model, batch, Goal.untargeted(batch.labels()), 0).images().toFloatArray(), 0f,
                "a single run at eps 0 is the identity too");
    }

    /** Success flags agree with predictions, and an untargeted attack never beats clean accuracy. */
    @ParameterizedTest
    @MethodSource("specs")
    void successMeansTheGoalIsReachedAndNothingBeatsClean(AttackSpec spec) {
        Attack attack = attackOf(spec, model);
        int clean = correct(model.predict(batch.images()));
        for (List<Result> sweep : List.of(sweeps(spec).exhaustive(), sweeps(spec).fast())) {
            for (Result r : sweep) {
                for (int i = 0; i < n; i++) {
                    boolean reached = r.targets() == null ? r.predicted()[i] != images.labels()[i]
                            : r.targets()[i] != Target.NONE && r.predicted()[i] == r.targets()[i];
                    assertEquals(reached, r.success()[i], attack.name() + " sample " + i);
                }
                if (attack.target() == null) {
                    assertTrue(correct(r.predicted()) <= clean, attack.name() + " at " + r.eps() + " is more accurate than clean");
                }
            }
        }
    }

    /** Early stop only saves gradients: every sample ends where the full loop leaves it. */
    @ParameterizedTest
    @MethodSource("specs")
    void earlyStopChangesNoResult(AttackSpec spec) {
        Sweeps s = sweeps(spec);
        for (int e = 0; e < s.epsilons().size(); e++) {
            Result full = s.exhaustive().get(e);
            Result early = s.earlyStopOnly().get(e);
            assertArrayEquals(full.predicted(), early.predicted(), spec.label() + " eps " + full.eps());
            assertArrayEquals(full.images(), early.images(), 1e-6f, spec.label());
            assertEquals(n, early.attacked());
        }
    }

    /**
     * Skipping decided samples, with the epsilons given out of order: a sample succeeds at eps
     * exactly when the exhaustive sweep fooled it at eps or a smaller one; only the samples still
     * open are attacked, and they get the exhaustive sweep's images.
     */
    @ParameterizedTest
    @MethodSource("specs")
    void skipDecidedCarriesEarlierSuccessesOverInAnyEpsilonOrder(AttackSpec spec) {
        Sweeps s = sweeps(spec);
        int d = images.pixelsPerImage();
        boolean[] fooled = new boolean[n];
        for (double eps : epsilons(spec)) {
            Result full = s.at(s.exhaustive(), eps);
            Result fast = s.at(s.fast(), eps);
            int open = n - (int) IntStream.range(0, n).filter(i -> fooled[i]).count();
            assertEquals(eps, fast.eps());
            assertEquals(open, fast.attacked(), spec.label() + ": samples attacked at eps " + eps);
            for (int i = 0; i < n; i++) {
                if (!fooled[i]) {
                    assertArrayEquals(Arrays.copyOfRange(full.images(), i * d, (i + 1) * d), Arrays.copyOfRange(fast.images(), i * d, (i + 1) * d),
                            1e-6f, spec.label() + " open sample " + i);
                }
                fooled[i] |= full.success()[i];
                assertEquals(fooled[i], fast.success()[i], spec.label() + " eps " + eps + " sample " + i);
            }
        }
    }

    @ParameterizedTest
    @MethodSource("specs")
    void sameSeedSameResultAndASampleAloneEqualsItInABatch(AttackSpec spec) {
        Sweeps s = sweeps(spec);
        double eps = epsilons(spec).get(1);
        float[] first = s.at(s.exhaustive(), eps).images();
        assertArrayEquals(first, sweep(attackOf(spec, model), batch, model, List.of(eps), Sweep.EXHAUSTIVE).get(0).images(), 0f,
                "a fresh attack of the same seed, at this epsilon alone");
        int d = images.pixelsPerImage();
        int[] part = IntStream.range(n / 2, Math.min(n, n / 2 + 6)).toArray();
        LabeledImages some = images.select(part);
        Batch small = new Batch(ImageBatch.of(scope, some), some.labels(), part);
        float[] alone = sweep(attackOf(spec, model), small, model, List.of(eps), Sweep.EXHAUSTIVE).get(0).images();
        assertArrayEquals(Arrays.copyOfRange(first, part[0] * d, (part[part.length - 1] + 1) * d), alone, 1e-6f, spec.label());
    }

    /** Attacks take gradients with the parameters frozen: nothing leaks into a later training step. */
    @ParameterizedTest
    @MethodSource("specs")
    void leavesNoParameterGradientBehind(AttackSpec spec) {
        assertFalse(sweeps(spec).gradientsLeft(), spec.label() + ": a parameter gradient, or a model left trainable");
    }

    /**
     * The convergence indicator's longer run: the same attack (same type, label and epsilons)
     * with twice its steps or queries, everything else as written; a default step size that is a
     * share of the steps is pinned, so the step stays the same. A single step has none.
     */
    @ParameterizedTest
    @MethodSource("specs")
    void twiceTheStepsIsTheSameAttackWithTwiceTheIterations(AttackSpec spec) throws ReflectiveOperationException {
        AttackSpec longer = spec.twiceTheSteps();
        Attack attack = attackOf(spec, model);
        if (!attack.iterative() && !attack.gradientFree()) { // a single step; a random search doubles its queries
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
    @MethodSource("specs")
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
        if (fields.contains("targets")) {
            bad.add(new String[] {"targets: nearest", "targets"});
        }
        for (String[] b : bad) {
            JsonMappingException e = assertThrows(JsonMappingException.class,
                    () -> ExperimentLoader.YAML.readValue("{type: " + name + ", " + b[0] + "}", AttackSpec.class), type + " " + b[0]);
            assertTrue(e.getCause() instanceof SpecException s && s.field().equals(b[1]), type + " " + b[0] + ": " + e.getCause());
        }
        Attack attack = attackOf(spec, model);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> EpsilonSweeper.run(attack, model, batch, List.of(0.1, -0.1), Sweep.FAST));
        assertTrue(e.getMessage().startsWith(attack.name() + ": epsilon"), e.getMessage());
    }

    /**
     * Nothing in an attack may assume MNIST: on colour images of another, non-square size and 4
     * classes (a fresh model, random images) every attack keeps to its ball and the box, is the
     * identity at 0, leaves its input alone, and gives a sample alone what it gives it in a batch.
     */
    @ParameterizedTest
    @MethodSource("specs")
    void invariantsHoldOnColourImagesOfAnotherSize(AttackSpec spec) {
        DataShape shape = new DataShape(3, 16, 12, 4, null);
        java.util.Random random = new java.util.Random(5);
        int count = 12;
        float[] pixels = new float[count * shape.pixelsPerImage()];
        for (int k = 0; k < pixels.length; k++) {
            pixels[k] = random.nextFloat();
        }
        int[] labels = IntStream.range(0, count).map(i -> i % 4).toArray();
        LabeledImages colour = new LabeledImages(pixels, labels, shape);
        Engines.seed(5);
        try (Classifier fresh = Classifiers.create("small-cnn", shape); NDManager m = fresh.manager().newSubManager()) {
            Classifier on = evaluated(fresh);
            Attack attack = attackOf(spec, on);
            Batch all = new Batch(ImageBatch.of(m, colour), labels, IntStream.range(0, count).toArray());
            List<Double> eps = epsilons(spec);
            List<Result> out = sweep(attack, all, on, eps, Sweep.FAST);
            assertArrayEquals(pixels, all.images().toFloatArray(), 0f, "the input is never modified");
            assertArrayEquals(pixels, out.get(0).images(), 0f, "eps 0 is the identity");
            int d = shape.pixelsPerImage();
            for (Result r : out) {
                assertEquals(count * d, r.images().length);
                for (int i = 0; i < count; i++) {
                    for (int k = i * d; k < (i + 1) * d; k++) {
                        assertTrue(r.images()[k] >= 0f && r.images()[k] <= 1f, "pixel out of [0, 1]");
                    }
                    double size = attack.norm().distance(r.images(), pixels, i * d, d);
                    assertTrue(size <= r.eps() + 1e-5, attack.name() + ": |delta| " + size + " > eps " + r.eps());
                    if (r.targets() != null) {
                        assertTrue(r.targets()[i] < 4, "targets are classes of the data: " + r.targets()[i]);
                    }
                }
            }
            double at = eps.get(eps.size() - 1);
            float[] batched = sweep(attack, all, on, List.of(at), Sweep.EXHAUSTIVE).get(0).images();
            LabeledImages part = colour.select(new int[] {5, 6});
            Batch two = new Batch(ImageBatch.of(m, part), part.labels(), new int[] {5, 6});
            float[] alone = sweep(attack, two, on, List.of(at), Sweep.EXHAUSTIVE).get(0).images();
            assertArrayEquals(Arrays.copyOfRange(batched, 5 * d, 7 * d), alone, 1e-6f, attack.name());
        }
    }

    int correct(int[] predicted) {
        int c = 0;
        for (int i = 0; i < predicted.length; i++) {
            c += predicted[i] == images.labels()[i] ? 1 : 0;
        }
        return c;
    }
}
