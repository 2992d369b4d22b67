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
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Parameter;
import ai.djl.util.Pair;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The guide's attack invariants, checked for FGSM on a trained model and real MNIST images. */
class FgsmTest {
    static final List<Double> EPS = List.of(0.0, 0.1, 0.3);
    final Attack fgsm = new Fgsm();
    Classifier model;
    LabeledImages images;
    NDManager scope;
    Batch batch;

    @BeforeEach
    void setUp() {
        model = TestFixtures.trainedCnn();
        images = TestFixtures.mnistSubset().test().select(range(200));
        scope = model.manager().newSubManager();
        batch = new Batch(ImageBatch.of(scope, images), images.labels(), range(200));
    }

    @AfterEach
    void tearDown() {
        scope.close();
    }

    static int[] range(int n) {
        int[] r = new int[n];
        for (int i = 0; i < n; i++) {
            r[i] = i;
        }
        return r;
    }

    /**
     * The sweep shortcut, with epsilons given out of order: a sample is fooled at eps exactly when
     * the exhaustive sweep fooled it there or at a smaller epsilon; samples still open get the
     * exhaustive sweep's image, and only they are attacked.
     */
    @Test
    void skipDecidedCarriesEarlierSuccessesOverInAnyEpsilonOrder() {
        List<Double> eps = List.of(0.3, 0.0, 0.15, 0.05);
        List<Adversarial> full = fgsm.run(model, batch, eps, Sweep.EXHAUSTIVE);
        List<Adversarial> fast = fgsm.run(model, batch, eps, Sweep.FAST);
        int n = batch.size();
        int d = images.pixelsPerImage();
        boolean[] fooled = new boolean[n];
        int open = n;
        for (int e : new int[] {1, 3, 2, 0}) { // increasing epsilon
            assertEquals(eps.get(e), fast.get(e).epsilon());
            assertEquals(open, fast.get(e).attacked(), "attacked at eps " + eps.get(e));
            float[] a = full.get(e).images().toFloatArray();
            float[] b = fast.get(e).images().toFloatArray();
            for (int i = 0; i < n; i++) {
                if (!fooled[i]) {
                    assertArrayEquals(java.util.Arrays.copyOfRange(a, i * d, (i + 1) * d),
                            java.util.Arrays.copyOfRange(b, i * d, (i + 1) * d), 0f, "open sample " + i);
                }
                fooled[i] |= full.get(e).success()[i];
                assertEquals(fooled[i], fast.get(e).success()[i], "eps " + eps.get(e) + " sample " + i);
            }
            open = 0;
            for (boolean f : fooled) {
                open += f ? 0 : 1;
            }
        }
    }

    @Test
    void staysInTheEpsilonBallAndTheBox() {
        float[] x = batch.images().toFloatArray();
        List<Adversarial> out = fgsm.run(model, batch, EPS);
        for (Adversarial adv : out) {
            float[] a = adv.images().toFloatArray();
            float maxDelta = 0;
            for (int i = 0; i < a.length; i++) {
                assertTrue(a[i] >= 0f && a[i] <= 1f, "pixel out of [0, 1]: " + a[i]);
                maxDelta = Math.max(maxDelta, Math.abs(a[i] - x[i]));
            }
            assertTrue(maxDelta <= adv.epsilon() + 1e-6, "L-inf " + maxDelta + " > eps " + adv.epsilon());
            if (adv.epsilon() > 0) {
                assertTrue(maxDelta > adv.epsilon() - 1e-6, "FGSM uses the whole budget somewhere");
            }
        }
    }

    @Test
    void epsilonZeroIsTheIdentityAndTheInputIsNeverModified() {
        float[] before = batch.images().toFloatArray();
        List<Adversarial> out = fgsm.run(model, batch, EPS);
        assertArrayEquals(before, out.get(0).images().toFloatArray(), 0f);
        assertArrayEquals(before, batch.images().toFloatArray(), 0f);
        assertFalse(batch.images().hasGradient());
    }

    @Test
    void fooledFlagsAgreeWithPredictionsAndAccuracyFallsWithEpsilon() {
        List<Adversarial> out = fgsm.run(model, batch, EPS);
        int clean = correct(model.predict(batch.images()));
        int previous = Integer.MAX_VALUE;
        for (Adversarial adv : out) {
            for (int i = 0; i < adv.predicted().length; i++) {
                assertEquals(adv.predicted()[i] != images.labels()[i], adv.success()[i]);
            }
            int c = correct(adv.predicted());
            assertTrue(c <= clean, "an attack never makes the model more accurate than clean");
            assertTrue(c <= previous, "accuracy does not rise with epsilon");
            previous = c;
        }
        assertTrue(clean > 180, "the fixture model is trained: " + clean + "/200");
        assertTrue(previous < 0.3 * clean, "FGSM at 0.3 fools most samples: " + previous + "/200 left");
    }

    @Test
    void sameInputSameResultAndASampleAloneEqualsItInABatch() {
        float[] first = fgsm.run(model, batch, List.of(0.2)).get(0).images().toFloatArray();
        float[] again = fgsm.run(model, batch, List.of(0.2)).get(0).images().toFloatArray();
        assertArrayEquals(first, again, 0f);
        int n = images.pixelsPerImage();
        for (int i : new int[] {0, 7, 199}) {
            LabeledImages one = images.select(new int[] {i});
            Batch alone = new Batch(ImageBatch.of(scope, one), one.labels(), new int[] {i});
            float[] single = fgsm.run(model, alone, List.of(0.2)).get(0).images().toFloatArray();
            assertArrayEquals(java.util.Arrays.copyOfRange(first, i * n, (i + 1) * n), single, 0f, "sample " + i);
        }
    }

    @Test
    void leavesNoParameterGradientBehind() {
        fgsm.run(model, batch, EPS);
        assertFalse(model.parametersTrainable(), "a finished model stays frozen");
        for (Pair<String, Parameter> p : model.djlModel().getBlock().getParameters()) {
            NDArray w = p.getValue().getArray();
            assertFalse(w.hasGradient() && w.getGradient().abs().sum().getFloat() > 0, p.getKey());
        }
    }

    @Test
    void refusesANegativeEpsilonNamingTheAttack() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> fgsm.run(model, batch, List.of(0.1, -0.1)));
        assertTrue(e.getMessage().startsWith("FGSM: epsilon"), e.getMessage());
    }

    private int correct(int[] predicted) {
        int c = 0;
        for (int i = 0; i < predicted.length; i++) {
            c += predicted[i] == images.labels()[i] ? 1 : 0;
        }
        return c;
    }
}
