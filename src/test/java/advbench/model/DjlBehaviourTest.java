package advbench.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.DefaultTrainingConfig;
import ai.djl.training.GradientCollector;
import ai.djl.training.Trainer;
import ai.djl.training.loss.Loss;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.Tracker;
import ai.djl.util.Pair;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Pins down PyTorch-engine behaviours that attacks and training rely on. */
class DjlBehaviourTest {

    @BeforeAll
    static void engine() {
        Engines.configure(0);
    }

    @Test
    void engineIsPyTorchFromTheMavenJarWithoutDownload() {
        assertEquals("PyTorch", Engine.getInstance().getEngineName());
        assertEquals("2.7.1", Engine.getInstance().getVersion());
    }

    /**
     * Attacks drop decided samples from a batch by gathering rows with an int64 index array;
     * pin down that {@code get(NDArray)} gathers along axis 0 (not linear indices) and copies.
     */
    @Test
    void getWithAnIntegerArrayGathersRows() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray x = m.arange(0f, 24f).reshape(4, 1, 2, 3);
            NDArray rows = x.get(m.create(new long[] {3, 1}));
            assertEquals(new Shape(2, 1, 2, 3), rows.getShape());
            assertArrayEquals(new float[] {18, 19, 20, 21, 22, 23, 6, 7, 8, 9, 10, 11}, rows.toFloatArray());
            rows.addi(100f);
            assertEquals(18f, x.toFloatArray()[18]);
        }
    }

    /**
     * The trap behind a bug where the best-epoch checkpoint was saved but not evaluated: after
     * Block.loadParameters a ParameterStore created earlier still hands out the old arrays.
     * Classifier.restore replaces its store, so its logits follow the restored weights.
     */
    @Test
    void restoredWeightsAreTheOnesTheClassifierComputesWith() {
        Engines.seed(1);
        try (Classifier c = Classifiers.create("mlp", new advbench.data.DataShape(1, 28, 28, 10, null)); NDManager m = c.manager().newSubManager()) {
            c.trainability().setAll(false);
            NDArray x = m.randomUniform(0, 1, new Shape(2, 1, 28, 28));
            float[] before = c.logits(x).toFloatArray(); // the store now holds the first arrays
            byte[] checkpoint = c.weights().snapshot();
            for (Pair<String, Parameter> p : c.djlModel().getBlock().getParameters()) {
                p.getValue().getArray().muli(0.5f); // in place: the store sees this change
            }
            assertFalse(java.util.Arrays.equals(before, c.logits(x).toFloatArray()));
            c.weights().restore(checkpoint);
            assertArrayEquals(before, c.logits(x).toFloatArray(), 1e-6f);

            // without a fresh store, DJL keeps computing with the replaced arrays
            ai.djl.training.ParameterStore stale = new ai.djl.training.ParameterStore(c.manager(), false);
            c.djlModel().getBlock().forward(stale, new NDList(x), false);
            for (Pair<String, Parameter> p : c.djlModel().getBlock().getParameters()) {
                p.getValue().getArray().muli(0.5f);
            }
            float[] halved = c.djlModel().getBlock().forward(stale, new NDList(x), false).singletonOrThrow().toFloatArray();
            try (java.io.DataInputStream in = new java.io.DataInputStream(new java.io.ByteArrayInputStream(checkpoint))) {
                c.djlModel().getBlock().loadParameters(c.manager(), in);
            } catch (java.io.IOException | ai.djl.MalformedModelException e) {
                throw new AssertionError(e);
            }
            assertArrayEquals(halved, c.djlModel().getBlock().forward(stale, new NDList(x), false).singletonOrThrow().toFloatArray(), 0f,
                    "the old store still computes with the halved weights");
        }
    }

    /**
     * {@code x.mul(3f)} (and div, maximum, ... with a Java number) makes the number a scalar array
     * and frees it when the call returns, while autograd keeps it for the backward pass: a gradient
     * taken after other scalars have been made and freed can read one of them instead (seen here:
     * 9.96e-25 for d(x / 2)/dx, in a few of 50 tries). {@link Scalars} keeps the scalar alive in the
     * operand's manager; under the same churn its gradients are right every time. The unsafe form
     * is not asserted wrong here: whether freed memory is reused is up to the allocator.
     */
    @Test
    void aScalarKeptAliveGivesTheRightGradientWhereAFreedOneMayNot() {
        try (NDManager m = NDManager.newBaseManager()) {
            for (int rep = 0; rep < 50; rep++) {
                try (NDManager s = m.newSubManager()) {
                    NDArray x = s.create(new float[] {-1f, 0.5f, 2f, 3f});
                    x.setRequiresGradient(true);
                    try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                        NDArray y = Scalars.times(x, 0.5).add(Scalars.positivePart(x.sub(1f)));
                        for (int k = 0; k < 200; k++) { // what reused the freed scalar's memory before
                            s.create(1e30f).close();
                            s.create(new float[] {Float.NaN, 7f}).close();
                        }
                        gc.backward(y.sum());
                    }
                    assertArrayEquals(new float[] {0.5f, 0.5f, 1.5f, 1.5f}, x.getGradient().toFloatArray(), 0f, "try " + rep);
                }
            }
        }
    }

    @Test
    void gradientsAccumulateAcrossCollectorsOnTheSameArray() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray x = m.create(new float[] {1, 2, 3});
            x.setRequiresGradient(true);
            for (int i = 0; i < 2; i++) {
                try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                    gc.backward(x.mul(x).sum());
                }
            }
            // d(x^2)/dx = 2x, twice: a new collector does not reset the input's gradient.
            assertArrayEquals(new float[] {4, 8, 12}, x.getGradient().toFloatArray(), 1e-6f);
        }
    }

    @Test
    void lossGradientLeavesParametersWithoutGradientAndInputUntouched() {
        Engines.seed(1);
        try (Classifier c = Classifiers.create("small-cnn", new advbench.data.DataShape(1, 28, 28, 10, null)); NDManager m = c.manager().newSubManager()) {
            c.trainability().setAll(false);
            NDArray x = m.randomUniform(0, 1, new Shape(4, 1, 28, 28));
            float[] before = x.toFloatArray();
            NDArray g1 = c.lossGradient(x, new int[] {0, 1, 2, 3});
            NDArray g2 = c.lossGradient(x, new int[] {0, 1, 2, 3});
            assertArrayEquals(g1.toFloatArray(), g2.toFloatArray(), 0f, "no accumulation across calls");
            assertArrayEquals(before, x.toFloatArray(), 0f);
            assertFalse(x.hasGradient());
            for (Pair<String, Parameter> p : c.djlModel().getBlock().getParameters()) {
                NDArray w = p.getValue().getArray();
                assertFalse(w.hasGradient() && w.getGradient().abs().sum().getFloat() > 0, p.getKey());
            }
        }
    }

    @Test
    void trainerStepZeroesParameterGradients() {
        Engines.seed(2);
        try (Classifier c = Classifiers.create("mlp", new advbench.data.DataShape(1, 28, 28, 10, null))) {
            c.trainability().setAll(true);
            DefaultTrainingConfig cfg = new DefaultTrainingConfig(Loss.softmaxCrossEntropyLoss())
                    .optOptimizer(Optimizer.adam().optLearningRateTracker(Tracker.fixed(1e-3f)).build());
            try (Trainer t = c.djlModel().newTrainer(cfg); NDManager m = c.manager().newSubManager()) {
                NDArray x = m.randomUniform(0, 1, new Shape(4, 1, 28, 28));
                try (GradientCollector gc = t.newGradientCollector()) {
                    NDArray logits = t.forward(new NDList(x)).singletonOrThrow();
                    gc.backward(CrossEntropy.mean(logits, new int[] {0, 1, 2, 3}));
                }
                Parameter first = c.djlModel().getBlock().getParameters().get(0).getValue();
                float before = first.getArray().getGradient().abs().sum().getFloat();
                t.step();
                float after = first.getArray().getGradient().abs().sum().getFloat();
                assertTrue(before > 0);
                assertEquals(0f, after, "DJL's Trainer.step() zeroes gradients after the update");
            }
        }
    }

    /**
     * DJL's Model.load silently skips a parameters file without its "DJL@" magic number and keeps
     * the weights the model had; BuiltWeights.load refuses such a file instead (a cache entry whose
     * weights were replaced by other bytes with a matching checksum was once evaluated at random).
     */
    @Test
    void djlIgnoresAParametersFileWithoutItsMagicNumber() throws Exception {
        Engines.configure(0);
        java.nio.file.Path dir = java.nio.file.Files.createTempDirectory("djl-magic");
        advbench.data.DataShape shape = new advbench.data.DataShape(1, 4, 4, 3, null);
        try (Classifier c = Classifiers.create("mlp", shape); NDManager m = c.manager().newSubManager()) {
            c.weights().save(dir);
            java.nio.file.Files.writeString(dir.resolve("model-0000.params"), "not DJL parameters");
            NDArray x = m.ones(new Shape(1, 1, 4, 4));
            float[] before = c.logits(x).toFloatArray();
            c.djlModel().load(dir, "model"); // DJL itself: no error
            org.junit.jupiter.api.Assertions.assertArrayEquals(before, c.logits(x).toFloatArray(), "the weights it had");
            java.io.UncheckedIOException e = org.junit.jupiter.api.Assertions.assertThrows(java.io.UncheckedIOException.class, () -> c.weights().load(dir));
            org.junit.jupiter.api.Assertions.assertTrue(e.getCause().getCause().getMessage().endsWith("is not a DJL parameters file"),
                    e.getCause().getCause().getMessage());
        }
    }
}
