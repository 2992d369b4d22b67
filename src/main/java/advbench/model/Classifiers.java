package advbench.model;

import advbench.UserError;
import advbench.data.DataShape;
import ai.djl.Model;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.training.ParameterStore;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;

/**
 * Where classifiers come from: an architecture built here and freshly initialised, a network
 * exported from PyTorch as TorchScript, or (for the indicators' tests) a trained network between
 * fixed transformations. Each is checked against the data it is to classify before anything runs.
 */
public final class Classifiers {
    private Classifiers() {}

    /** The architecture name of a classifier whose network came from a TorchScript file. */
    public static final String TORCHSCRIPT = "torchscript";

    /**
     * A freshly initialised model for images of {@code shape}, one output per class; call
     * {@link Engines#seed} first for reproducible weights. An architecture that cannot take the
     * data (images too small for its pooling, say) is a {@link UserError}, found here rather than
     * in the middle of training.
     */
    public static Classifier create(String architecture, DataShape shape) {
        return create(architecture, shape, null);
    }

    /** As {@link #create(String, DataShape)}, with {@code preprocessing} (or null) in front of the network. */
    public static Classifier create(String architecture, DataShape shape, Preprocessing preprocessing) {
        return create(architecture, Architectures.layers(architecture, shape.classes()), Architectures.build(architecture, shape.classes()),
                shape, preprocessing);
    }

    /**
     * A freshly initialised network of {@code layers} named {@code name} (not one of the registered
     * architectures: a model a test builds to a purpose, say), with {@code preprocessing} or null.
     */
    public static Classifier ofLayers(String name, List<Layer> layers, DataShape shape, Preprocessing preprocessing) {
        return create(name, layers, Architectures.build(layers, false), shape, preprocessing);
    }

    private static Classifier create(String architecture, List<Layer> layers, Block network, DataShape shape, Preprocessing preprocessing) {
        Block block = preprocessing == null ? network : new Normalized(network, preprocessing);
        Model model = Model.newInstance(architecture, "PyTorch");
        model.setBlock(block);
        Classifier classifier = new Classifier(architecture, shape, model, new BuiltWeights(model), preprocessing, layers);
        try {
            block.initialize(model.getNDManager(), DataType.FLOAT32, oneImage(shape));
            checkOutputs(classifier);
        } catch (RuntimeException e) {
            model.close();
            throw e instanceof UserError u ? u : new UserError(architecture + " cannot take " + shape.describeImage()
                    + " images (channels x height x width): " + firstLine(e.getMessage()));
        }
        return classifier;
    }

    /**
     * A network exported from PyTorch as TorchScript ({@code torch.jit.script} or
     * {@code torch.jit.trace}), with {@code preprocessing} (or null) in front, its parameters
     * frozen. Probe forwards check it against the data before anything is run ({@link
     * OutputCheck}): a file that is not TorchScript, a network that cannot take the images, or
     * outputs that are not one logit per class are {@link UserError}s; outputs that look like
     * probabilities are a warning, given to {@code warn}. A {@code randomised} network (declared
     * random on purpose, a randomised defence) may give different outputs for the same images,
     * which would otherwise be refused.
     */
    public static Classifier torchScript(Path file, DataShape shape, Preprocessing preprocessing, Consumer<String> warn) {
        return torchScript(file, shape, preprocessing, false, warn);
    }

    /** As above, for a network that may be {@code randomised} on purpose. */
    public static Classifier torchScript(Path file, DataShape shape, Preprocessing preprocessing, boolean randomised,
                                         Consumer<String> warn) {
        Model model = Model.newInstance(TORCHSCRIPT, "PyTorch");
        try {
            TorchScriptBlock script = TorchScriptBlock.load(model.getNDManager(), file);
            model.setBlock(preprocessing == null ? script : new Normalized(script, preprocessing));
            Classifier classifier = new Classifier(TORCHSCRIPT, shape, model, new ScriptWeights(model, script, oneImage(shape), file),
                    preprocessing);
            classifier.trainability().setAll(false);
            OutputCheck.check(classifier, randomised).forEach(warn);
            return classifier;
        } catch (RuntimeException e) {
            model.close();
            throw e;
        }
    }

    /**
     * {@code base}'s network between a fixed transformation of its input and one of its logits,
     * sharing its weights: the models built to make an evaluation fail (a quantised input whose
     * gradient is zero, logits scaled until the softmax saturates, noise added at every forward)
     * against which the indicators of attack failure are tested. Not trainable.
     */
    public static Classifier transformed(Classifier base, String name, UnaryOperator<NDArray> input, UnaryOperator<NDArray> output) {
        Model model = Model.newInstance(name, "PyTorch");
        model.setBlock(new Transformed(base.djlModel().getBlock(), input, output));
        return new Classifier(name, base.shape(), model, new BuiltWeights(model), null);
    }

    private static Shape oneImage(DataShape shape) {
        return new Shape(1, shape.channels(), shape.height(), shape.width());
    }

    /**
     * One forward pass of a blank image: it must go through and give one logit per class of the
     * data. A throwaway parameter store keeps the classifier's own store untouched.
     */
    private static void checkOutputs(Classifier classifier) {
        DataShape shape = classifier.shape();
        try (NDManager scope = classifier.manager().newSubManager()) {
            NDArray blank = scope.zeros(oneImage(shape));
            Shape out = classifier.djlModel().getBlock().forward(new ParameterStore(scope, false), new NDList(blank), false)
                    .singletonOrThrow().getShape();
            if (out.dimension() != 2 || out.get(1) != shape.classes()) {
                throw new UserError(classifier.architecture() + " gives outputs of shape " + out + " for one image, but the data has "
                        + shape.classes() + " classes");
            }
        }
    }

    private static String firstLine(String message) {
        return message == null ? "" : message.lines().findFirst().orElse("");
    }
}
