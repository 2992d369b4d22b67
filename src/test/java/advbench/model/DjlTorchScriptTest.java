package advbench.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import advbench.Json;
import advbench.data.DataShape;
import ai.djl.Model;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A TorchScript model exported by PyTorch (src/test/resources/torchscript, made by
 * make_fixtures.py), checked against the logits and input gradients PyTorch computed on it: in
 * inference behaviour (batch norm on running statistics, dropout off) while gradients flow, with
 * and without preprocessing, and unchanged by an attack. Also pins down the two DJL traps the
 * workbench works around.
 */
class DjlTorchScriptTest {
    static final DataShape CIFAR_LIKE = new DataShape(3, 32, 32, 10, null);
    static JsonNode reference;
    /** The classes the model finds least likely for the fixed inputs: losses far from saturation. */
    static int[] labels;
    static int[] preprocessedLabels;

    @TempDir
    Path tmp;

    @BeforeAll
    static void engine() throws IOException {
        Engines.configure(0);
        reference = Json.MAPPER.readTree(fixture("reference.json").toFile());
        labels = Json.MAPPER.convertValue(reference.get("labels"), int[].class);
        preprocessedLabels = Json.MAPPER.convertValue(reference.get("preprocessed_labels"), int[].class);
    }

    static Path fixture(String name) {
        try {
            return Path.of(DjlTorchScriptTest.class.getResource("/torchscript/" + name).toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The fixed inputs of make_fixtures.py: ((n*7 + c*13 + h*31 + w*17) mod 256) / 255. */
    static NDArray inputs(NDManager m, int n) {
        float[] x = new float[n * 3 * 32 * 32];
        int k = 0;
        for (int i = 0; i < n; i++) {
            for (int c = 0; c < 3; c++) {
                for (int h = 0; h < 32; h++) {
                    for (int w = 0; w < 32; w++) {
                        x[k++] = (float) (((i * 7 + c * 13 + h * 31 + w * 17) % 256) / 255.0);
                    }
                }
            }
        }
        return m.create(x, new Shape(n, 3, 32, 32));
    }

    static float[] values(String field) {
        JsonNode node = reference.get(field);
        float[] f = new float[node.size()];
        for (int i = 0; i < f.length; i++) {
            f[i] = (float) node.get(i).asDouble();
        }
        return f;
    }

    /** Equal to PyTorch's within 1e-4, absolute or relative to the value; the values must be worth comparing at that scale. */
    static void assertClose(float[] expected, float[] actual, String what) {
        assertEquals(expected.length, actual.length, what + ": length");
        float[] sorted = expected.clone();
        for (int i = 0; i < sorted.length; i++) {
            sorted[i] = Math.abs(sorted[i]);
        }
        java.util.Arrays.sort(sorted);
        assertTrue(sorted[sorted.length / 2] > 1e-2, what + ": median magnitude " + sorted[sorted.length / 2] + " is too small for a 1e-4 check");
        for (int i = 0; i < expected.length; i++) {
            double tolerance = 1e-4 * Math.max(1, Math.abs(expected[i]));
            if (Math.abs(expected[i] - actual[i]) > tolerance) {
                throw new AssertionError(what + "[" + i + "]: PyTorch " + expected[i] + ", DJL " + actual[i]);
            }
        }
    }

    static Classifier load(Preprocessing preprocessing) {
        return Classifiers.torchScript(fixture("colour-bn-dropout.pt"), CIFAR_LIKE, preprocessing, w -> { });
    }

    static Preprocessing referencePreprocessing() {
        JsonNode p = reference.get("preprocessing");
        List<Double> mean = new ArrayList<>();
        List<Double> std = new ArrayList<>();
        p.get("mean").forEach(v -> mean.add(v.asDouble()));
        p.get("std").forEach(v -> std.add(v.asDouble()));
        return new Preprocessing(mean, std);
    }

    @Test
    void logitsAndInputGradientsAreThoseOfPyTorchInEvalMode() {
        try (Classifier c = load(null); NDManager m = c.manager().newSubManager()) {
            NDArray x = inputs(m, 4);
            assertClose(values("logits"), c.logits(x).toFloatArray(), "logits");
            Classifier.Gradient g = c.gradientOf(x, logits -> CrossEntropy.sum(logits, labels));
            assertClose(values("logits"), g.logits().toFloatArray(), "logits of the gradient's forward");
            float[] grad = g.gradient().toFloatArray();
            assertClose(values("gradient_first_two"), java.util.Arrays.copyOf(grad, 2 * 3072), "input gradient");
        }
    }

    @Test
    void preprocessingIsInsideTheModelSoGradientsAreOnThePixelScale() {
        try (Classifier c = load(referencePreprocessing()); NDManager m = c.manager().newSubManager()) {
            NDArray x = inputs(m, 4);
            assertClose(values("preprocessed_logits"), c.logits(x).toFloatArray(), "logits with preprocessing");
            NDArray first = x.get("0:1");
            float[] grad = c.gradientOf(first, logits -> CrossEntropy.sum(logits, new int[] {preprocessedLabels[0]})).gradient().toFloatArray();
            assertClose(values("preprocessed_gradient_first"), grad, "pixel-scale input gradient with preprocessing");
        }
    }

    /** Dropout off: identical outputs; batch norm frozen: many gradient steps leave the eval logits as they were. */
    @Test
    void attacksNeitherSampleDropoutNorMoveBatchNormStatistics() {
        try (Classifier c = load(null); NDManager m = c.manager().newSubManager()) {
            NDArray x = inputs(m, 4);
            float[] before = c.logits(x).toFloatArray();
            assertArrayEquals(before, c.logits(x).toFloatArray(), "two forwards, the same logits");
            NDArray adv = x.duplicate();
            for (int step = 0; step < 20; step++) {
                NDArray grad = c.gradientOf(adv, logits -> CrossEntropy.sum(logits, labels)).gradient();
                adv = adv.add(grad.sign().mul(0.01f)).clip(0f, 1f);
            }
            assertNotEquals(java.util.Arrays.toString(before), java.util.Arrays.toString(c.logits(adv).toFloatArray()), "the attack moved");
            assertArrayEquals(before, c.logits(x).toFloatArray(), "batch-norm statistics unchanged by 20 gradient steps");
            assertClose(values("logits"), c.logits(x).toFloatArray(), "still PyTorch's logits");
            assertEquals(0, c.trainability().counts()[1], "parameters frozen");
        }
    }

    @Test
    void savedAsTorchScriptAndReadBackUnchanged() throws IOException {
        try (Classifier c = load(null); NDManager m = c.manager().newSubManager()) {
            c.weights().save(tmp);
            assertEquals("model.pt", c.weights().fileName());
            assertTrue(Files.size(tmp.resolve("model.pt")) > 1000);
            try (Classifier back = Classifiers.torchScript(tmp.resolve("model.pt"), CIFAR_LIKE, null, w -> { });
                 NDManager n = back.manager().newSubManager()) {
                assertArrayEquals(c.logits(inputs(m, 4)).toFloatArray(), back.logits(inputs(n, 4)).toFloatArray());
            }
        }
    }

    @Test
    void theLastLayerIsTheModulesFinalOne() {
        try (Classifier c = load(null)) {
            assertEquals(List.of("fc.weight", "fc.bias"), c.trainability().setOnlyLastLayer());
            long[] counts = c.trainability().counts();
            assertEquals(16 * 4 * 4 * 10 + 10, counts[1]);
            assertTrue(counts[0] > counts[1]);
        }
        try (Classifier c = load(referencePreprocessing())) {
            assertEquals(2, c.trainability().setOnlyLastLayer().size(), "under preprocessing too");
        }
        try (Classifier c = Classifiers.create("small-cnn", new DataShape(1, 28, 28, 10, null))) {
            List<String> last = c.trainability().setOnlyLastLayer();
            assertEquals(2, last.size(), String.valueOf(last));
            assertEquals(100 * 10 + 10, c.trainability().counts()[1]);
        }
    }

    /** The first trap: loaded DJL's default way, the weights are inference tensors and no input gradient can be taken. */
    @Test
    void djlsDefaultLoadGivesNoInputGradient() throws Exception {
        Files.copy(fixture("colour-bn-dropout.pt"), tmp.resolve("m.pt"));
        try (Model model = Model.newInstance("m", "PyTorch"); NDManager m = model.getNDManager().newSubManager()) {
            model.load(tmp, "m", Map.of());
            NDArray x = inputs(m, 1);
            x.setRequiresGradient(true);
            Exception e = assertThrows(Exception.class, () -> {
                try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                    NDArray out = model.getBlock().forward(new ParameterStore(m, false), new NDList(x), true).singletonOrThrow();
                    gc.backward(out.sum());
                }
            });
            assertTrue(String.valueOf(e.getMessage()).contains("Inference tensors cannot be saved for backward"), e.getMessage());
        }
    }

    /** The second trap: DJL's block in training mode samples dropout (and would update batch-norm statistics). */
    @Test
    void djlsOwnForwardInTrainingModeSamplesDropout() throws Exception {
        Files.copy(fixture("colour-bn-dropout.pt"), tmp.resolve("m.pt"));
        try (Model model = Model.newInstance("m", "PyTorch"); NDManager m = model.getNDManager().newSubManager()) {
            model.load(tmp, "m", Map.of("trainParam", "true"));
            NDArray x = inputs(m, 4);
            ParameterStore ps = new ParameterStore(m, false);
            model.getBlock().forward(ps, new NDList(x), false); // sets DJL's cached mode to eval
            float[] a = model.getBlock().forward(ps, new NDList(x), true).singletonOrThrow().toFloatArray();
            float[] b = model.getBlock().forward(ps, new NDList(x), true).singletonOrThrow().toFloatArray();
            assertNotEquals(java.util.Arrays.toString(a), java.util.Arrays.toString(b), "dropout is sampled in training mode");
        }
    }
}
