package advbench.model;

import advbench.data.LabeledImages;
import ai.djl.Model;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import ai.djl.util.Pair;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;

/**
 * A trained (or trainable) image classifier: a DJL model plus the two things attacks need from
 * it, logits in inference mode and the gradient of the loss with respect to the input.
 */
public final class Classifier implements AutoCloseable {
    public static final String WEIGHTS_NAME = "model";

    private final String architecture;
    private final Model model;
    /** Replaced whenever weights are loaded: it holds on to the parameter arrays it first saw. */
    private ParameterStore parameters;

    private Classifier(String architecture, Model model) {
        this.architecture = architecture;
        this.model = model;
        this.parameters = new ParameterStore(model.getNDManager(), false);
    }

    /** A freshly initialised model; call {@link Engines#seed} first for reproducible weights. */
    public static Classifier create(String architecture, int rows, int cols) {
        Block block = Architectures.build(architecture);
        Model model = Model.newInstance(architecture, "PyTorch");
        model.setBlock(block);
        block.initialize(model.getNDManager(), DataType.FLOAT32, new Shape(1, 1, rows, cols));
        return new Classifier(architecture, model);
    }

    public String architecture() {
        return architecture;
    }

    public Model djlModel() {
        return model;
    }

    public NDManager manager() {
        return model.getNDManager();
    }

    /**
     * Logits in inference mode (training=false: no dropout, batch norm uses running statistics).
     * The result belongs to the manager of {@code x}.
     */
    public NDArray logits(NDArray x) {
        return model.getBlock().forward(parameters, new NDList(x), false).singletonOrThrow();
    }

    public int[] predict(NDArray x) {
        try (NDArray logits = logits(x)) {
            return argMax(logits);
        }
    }

    /** Predicted classes for every image, in batches, each batch's native memory freed at once. */
    public int[] predictAll(LabeledImages images, int batchSize) {
        int[] predicted = new int[images.count()];
        for (int from = 0; from < images.count(); from += batchSize) {
            int to = Math.min(images.count(), from + batchSize);
            try (NDManager batch = manager().newSubManager()) {
                int[] p = predict(ImageBatch.of(batch, images, from, to));
                System.arraycopy(p, 0, predicted, from, p.length);
            }
        }
        return predicted;
    }

    /** The input gradient of the summed loss, and the logits of the same forward pass. */
    public record Gradient(NDArray gradient, NDArray logits) {}

    /** d(sum of cross-entropy losses)/dx; see {@link #gradientAndLogits}. */
    public NDArray lossGradient(NDArray x, int[] labels) {
        Gradient g = gradientAndLogits(x, labels);
        g.logits().close();
        return g.gradient();
    }

    /**
     * d(sum of cross-entropy losses)/dx in inference mode, with the logits of that forward pass
     * (an iterative attack reads its success off them without a second forward). A fresh copy of
     * x records the gradient, so nothing accumulates across calls and the caller's array is never
     * touched. Parameters are frozen for the duration: libtorch would otherwise accumulate their
     * gradients too, which costs time and would leak into the next training step. Results belong
     * to the manager of {@code x}.
     */
    public Gradient gradientAndLogits(NDArray x, int[] labels) {
        return gradientOf(x, logits -> CrossEntropy.sum(logits, labels));
    }

    /**
     * d(loss(logits(x)))/dx for any scalar loss of the logits (TRADES maximises a KL divergence),
     * with the same guarantees as {@link #gradientAndLogits}.
     */
    public Gradient gradientOf(NDArray x, java.util.function.Function<NDArray, NDArray> loss) {
        boolean wasTrainable = parametersTrainable();
        if (wasTrainable) {
            setTrainable(false);
        }
        try {
            NDArray input = x.duplicate();
            input.setRequiresGradient(true);
            NDArray logits;
            try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
                logits = logits(input);
                collector.backward(loss.apply(logits));
            }
            NDArray grad = input.getGradient().duplicate();
            NDArray detached = logits.stopGradient();
            input.close();
            return new Gradient(grad, detached);
        } finally {
            if (wasTrainable) {
                setTrainable(true);
            }
        }
    }

    /** Index of the largest logit of each row. */
    public static int[] argMax(NDArray logits) {
        try (NDArray arg = logits.argMax(1)) {
            return arg.toType(DataType.INT32, false).toIntArray();
        }
    }

    /** Whether parameters record gradients (true while training, false for a finished model). */
    public boolean parametersTrainable() {
        for (Pair<String, Parameter> p : model.getBlock().getParameters()) {
            if (p.getValue().requiresGradient()) {
                return true;
            }
        }
        return false;
    }

    public void setTrainable(boolean trainable) {
        model.getBlock().freezeParameters(!trainable);
    }

    /** Reads weights written by {@link #save} into this (same architecture) model. */
    public void load(Path dir) {
        try {
            model.load(dir, WEIGHTS_NAME);
        } catch (IOException | ai.djl.MalformedModelException e) {
            throw new UncheckedIOException(new IOException("cannot load weights from " + dir, e));
        }
        parameters = new ParameterStore(model.getNDManager(), false);
    }

    /** The current weights, in memory (a checkpoint to go back to). */
    public byte[] snapshot() {
        java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
        try (java.io.DataOutputStream out = new java.io.DataOutputStream(bytes)) {
            model.getBlock().saveParameters(out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    /**
     * Puts back weights from {@link #snapshot}. DJL's loadParameters gives every parameter a new
     * array, but a ParameterStore keeps handing out the arrays it saw first: without a fresh store
     * the model would go on computing with the old weights while saving the new ones
     * (DjlBehaviourTest pins this down).
     */
    public void restore(byte[] snapshot) {
        try (java.io.DataInputStream in = new java.io.DataInputStream(new java.io.ByteArrayInputStream(snapshot))) {
            model.getBlock().loadParameters(model.getNDManager(), in);
        } catch (IOException | ai.djl.MalformedModelException e) {
            throw new IllegalStateException("cannot restore a weights snapshot", e);
        }
        parameters = new ParameterStore(model.getNDManager(), false);
    }

    /** Writes {@code model-0000.params} into {@code dir}. */
    public void save(Path dir) {
        try {
            model.save(dir, WEIGHTS_NAME);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        model.close();
    }
}
