package advbench.model;

import advbench.UserError;
import advbench.data.DataShape;
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
 * it, logits in inference mode and the gradient of a loss with respect to the input. It knows the
 * {@link DataShape} it takes, and that its outputs are the data's classes.
 */
public final class Classifier implements AutoCloseable {
    public static final String WEIGHTS_NAME = "model";

    private final String architecture;
    private final DataShape shape;
    private final Model model;
    /** Replaced whenever weights are loaded: it holds on to the parameter arrays it first saw. */
    private ParameterStore parameters;

    private Classifier(String architecture, DataShape shape, Model model) {
        this.architecture = architecture;
        this.shape = shape;
        this.model = model;
        this.parameters = new ParameterStore(model.getNDManager(), false);
    }

    /**
     * A freshly initialised model for images of {@code shape}, one output per class; call
     * {@link Engines#seed} first for reproducible weights. An architecture that cannot take the
     * data (images too small for its pooling, say) is a {@link UserError}, found here rather than
     * in the middle of training.
     */
    public static Classifier create(String architecture, DataShape shape) {
        Block block = Architectures.build(architecture, shape.classes());
        Model model = Model.newInstance(architecture, "PyTorch");
        model.setBlock(block);
        Classifier classifier = new Classifier(architecture, shape, model);
        try {
            block.initialize(model.getNDManager(), DataType.FLOAT32, new Shape(1, shape.channels(), shape.height(), shape.width()));
            classifier.checkOutputs();
        } catch (RuntimeException e) {
            model.close();
            throw e instanceof UserError u ? u : new UserError(architecture + " cannot take " + shape.describeImage()
                    + " images (channels x height x width): " + firstLine(e.getMessage()));
        }
        return classifier;
    }

    /**
     * One forward pass of a blank image: it must go through and give one logit per class of the
     * data. A throwaway parameter store keeps this classifier's own store untouched.
     */
    private void checkOutputs() {
        try (NDManager scope = manager().newSubManager()) {
            NDArray blank = scope.zeros(new Shape(1, shape.channels(), shape.height(), shape.width()));
            Shape out = model.getBlock().forward(new ParameterStore(scope, false), new NDList(blank), false).singletonOrThrow().getShape();
            if (out.dimension() != 2 || out.get(1) != shape.classes()) {
                throw new UserError(architecture + " gives outputs of shape " + out + " for one image, but the data has "
                        + shape.classes() + " classes");
            }
        }
    }

    private static String firstLine(String message) {
        return message == null ? "" : message.lines().findFirst().orElse("");
    }

    public String architecture() {
        return architecture;
    }

    /** The images it takes and the classes it tells apart. */
    public DataShape shape() {
        return shape;
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

    /** d(sum of cross-entropy losses)/dx; see {@link #gradientOf}. */
    public NDArray lossGradient(NDArray x, int[] labels) {
        Gradient g = gradientOf(x, logits -> CrossEntropy.sum(logits, labels));
        g.logits().close();
        return g.gradient();
    }

    /**
     * d(loss(logits(x)))/dx in inference mode for any scalar loss of the logits, with the logits
     * of that forward pass (an iterative attack reads its success off them without a second
     * forward). A fresh copy of x records the gradient, so nothing accumulates across calls and
     * the caller's array is never touched. Parameters are frozen for the duration: libtorch would
     * otherwise accumulate their gradients too, which costs time and would leak into the next
     * training step. Results belong to the manager of {@code x}.
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

    /** The file {@link #save} writes. */
    public String weightsFileName() {
        return WEIGHTS_NAME + "-0000.params";
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
