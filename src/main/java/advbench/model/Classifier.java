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
import ai.djl.training.Trainer;
import ai.djl.training.TrainingConfig;
import ai.djl.training.ParameterStore;
import ai.djl.util.Pair;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A trained (or trainable) image classifier: a DJL model plus the two things attacks need from
 * it, logits in inference mode and the gradient of a loss with respect to the input. It knows the
 * {@link DataShape} it takes, and that its outputs are the data's classes. Its network is one of
 * the {@link Architectures} built here, or a TorchScript module exported from PyTorch; either may
 * have {@link Preprocessing} in front, so that everything outside sees [0, 1] pixels.
 */
public final class Classifier implements AutoCloseable {
    public static final String WEIGHTS_NAME = "model";
    /** What a TorchScript-based classifier is saved as: a file PyTorch's torch.jit.load reads back. */
    public static final String TORCHSCRIPT_FILE = "model.pt";
    /** The architecture name of a classifier whose network came from a TorchScript file. */
    public static final String TORCHSCRIPT = "torchscript";

    private final String architecture;
    private final DataShape shape;
    private final Model model;
    /** The TorchScript module, for networks loaded from a file; null for architectures built here. */
    private final TorchScriptBlock script;
    private final Preprocessing preprocessing;
    /** Replaced whenever weights are loaded: it holds on to the parameter arrays it first saw. */
    private ParameterStore parameters;
    /**
     * The file a TorchScript network was read from, while its weights are still those: {@link
     * #save} copies it as it is. Writing the module again would give the same weights in a
     * different file (libtorch puts a per-load serialization id and debug data in it), so a run
     * that reuses a cached model would record another SHA-256 than the run that trained it.
     */
    private Path unchangedScript;

    private Classifier(String architecture, DataShape shape, Model model, TorchScriptBlock script, Preprocessing preprocessing) {
        this.architecture = architecture;
        this.shape = shape;
        this.model = model;
        this.script = script;
        this.preprocessing = preprocessing;
        this.parameters = new ParameterStore(model.getNDManager(), false);
    }

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
        Block network = Architectures.build(architecture, shape.classes());
        Block block = preprocessing == null ? network : new Normalized(network, preprocessing);
        Model model = Model.newInstance(architecture, "PyTorch");
        model.setBlock(block);
        Classifier classifier = new Classifier(architecture, shape, model, null, preprocessing);
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
     * A network exported from PyTorch as TorchScript ({@code torch.jit.script} or
     * {@code torch.jit.trace}), with {@code preprocessing} (or null) in front, its parameters
     * frozen. Probe forwards check it against the data before anything is run ({@link
     * OutputCheck}): a file that is not TorchScript, a network that cannot take the images, or
     * outputs that are not one logit per class are {@link UserError}s; outputs that look like
     * probabilities are a warning, given to {@code warn}.
     */
    public static Classifier torchScript(Path file, DataShape shape, Preprocessing preprocessing, java.util.function.Consumer<String> warn) {
        return torchScript(file, shape, preprocessing, false, warn);
    }

    /**
     * As above; a {@code randomised} network (declared random on purpose, a randomised defence)
     * may give different outputs for the same images, which would otherwise be refused.
     */
    public static Classifier torchScript(Path file, DataShape shape, Preprocessing preprocessing, boolean randomised,
                                         java.util.function.Consumer<String> warn) {
        Model model = Model.newInstance(TORCHSCRIPT, "PyTorch");
        try {
            TorchScriptBlock script = TorchScriptBlock.load(model.getNDManager(), file);
            model.setBlock(preprocessing == null ? script : new Normalized(script, preprocessing));
            Classifier classifier = new Classifier(TORCHSCRIPT, shape, model, script, preprocessing);
            classifier.setTrainable(false);
            classifier.unchangedScript = file;
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
    public static Classifier transformed(Classifier base, String name, java.util.function.UnaryOperator<NDArray> input,
                                         java.util.function.UnaryOperator<NDArray> output) {
        Model model = Model.newInstance(name, "PyTorch");
        model.setBlock(new Transformed(base.model.getBlock(), input, output));
        return new Classifier(name, base.shape, model, null, null);
    }

    /** The normalisation in front of the network, or null. */
    public Preprocessing preprocessing() {
        return preprocessing;
    }

    /** Whether the network came from a TorchScript file (and is saved as one). */
    public boolean isTorchScript() {
        return script != null;
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
        passes.forward += x.getShape().get(0);
        return model.getBlock().forward(parameters, new NDList(x), false).singletonOrThrow();
    }

    /** Images passed forward and backward through this model so far: what an attack costs, counted where it is spent. */
    public static final class Passes {
        private long forward;
        private long backward;

        public long forward() {
            return forward;
        }

        public long backward() {
            return backward;
        }
    }

    private final Passes passes = new Passes();

    public Passes passes() {
        return passes;
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
        List<Parameter> trainable = trainableParameters();
        trainable.forEach(p -> p.freeze(true));
        try {
            NDArray input = x.duplicate();
            input.setRequiresGradient(true);
            NDArray logits;
            try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
                logits = logits(input);
                collector.backward(loss.apply(logits));
            }
            passes.backward += x.getShape().get(0);
            NDArray grad = input.getGradient().duplicate();
            NDArray detached = logits.stopGradient();
            input.close();
            return new Gradient(grad, detached);
        } finally {
            // exactly those again: during fine-tuning of the last layer only, the others stay frozen
            trainable.forEach(p -> p.freeze(false));
        }
    }

    private List<Parameter> trainableParameters() {
        List<Parameter> trainable = new ArrayList<>();
        for (Pair<String, Parameter> p : model.getBlock().getParameters()) {
            if (p.getValue().requiresGradient()) {
                trainable.add(p.getValue());
            }
        }
        return trainable;
    }

    /** Index of the largest logit of each row. */
    public static int[] argMax(NDArray logits) {
        try (NDArray arg = logits.argMax(1)) {
            return arg.toType(DataType.INT32, false).toIntArray();
        }
    }

    /** Whether parameters record gradients (true while training, false for a finished model). */
    public boolean parametersTrainable() {
        return !trainableParameters().isEmpty();
    }

    public void setTrainable(boolean trainable) {
        model.getBlock().freezeParameters(!trainable);
    }

    /**
     * Makes only the last layer trainable (for fine-tuning a feature extractor): the parameters
     * that share the layer of the last parameter, "fc" of "fc.weight" and "fc.bias" (TorchScript
     * names) or "04Linear" of "04Linear_weight" (DJL's). Returns their names.
     */
    public List<String> setOnlyLastLayerTrainable() {
        List<Pair<String, Parameter>> all = model.getBlock().getParameters().stream().toList();
        String last = layerOf(all.get(all.size() - 1).getKey());
        java.util.Set<Parameter> trained = java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());
        List<String> names = new ArrayList<>();
        for (Pair<String, Parameter> p : all) {
            if (layerOf(p.getKey()).equals(last)) {
                trained.add(p.getValue());
                names.add(p.getKey());
            }
        }
        model.getBlock().freezeParameters(true);
        model.getBlock().freezeParameters(false, trained::contains);
        return names;
    }

    /** "fc" of "fc.weight", "01network_04Linear" of "01network_04Linear_weight". */
    static String layerOf(String parameter) {
        int dot = parameter.lastIndexOf('.');
        int cut = dot >= 0 ? dot : parameter.lastIndexOf('_');
        return cut >= 0 ? parameter.substring(0, cut) : "";
    }

    /** The number of values in all parameters, and in the trainable ones. */
    public long[] parameterCounts() {
        long all = 0;
        long trainable = 0;
        for (Pair<String, Parameter> p : model.getBlock().getParameters()) {
            long n = p.getValue().getArray().size();
            all += n;
            trainable += p.getValue().requiresGradient() ? n : 0;
        }
        return new long[] {all, trainable};
    }

    /**
     * A DJL trainer for this classifier. A TorchScript network's parameters are registered with
     * the trainer up front: its forward does not go through DJL's parameter store, so the trainer
     * would otherwise never update them. Call the setTrainable methods after this.
     */
    public Trainer newTrainer(TrainingConfig config) {
        Trainer trainer = model.newTrainer(config);
        unchangedScript = null; // training changes the weights
        if (script != null) {
            trainer.initialize(new Shape(1, shape.channels(), shape.height(), shape.width()));
        }
        return trainer;
    }

    /** Reads weights written by {@link #save} into this (same architecture) model. */
    public void load(Path dir) {
        if (script != null) {
            try {
                Path file = dir.resolve(TORCHSCRIPT_FILE);
                script.replace(Files.readAllBytes(file));
                unchangedScript = file;
            } catch (IOException | RuntimeException e) {
                throw new UncheckedIOException(new IOException("cannot load weights from " + dir, e));
            }
            parameters = new ParameterStore(model.getNDManager(), false);
            return;
        }
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
        if (script != null) {
            script.write(bytes); // batch-norm statistics included, which DJL's parameters lack
            return bytes.toByteArray();
        }
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
        if (script != null) {
            script.replace(snapshot);
            unchangedScript = null;
            parameters = new ParameterStore(model.getNDManager(), false);
            return;
        }
        try (java.io.DataInputStream in = new java.io.DataInputStream(new java.io.ByteArrayInputStream(snapshot))) {
            model.getBlock().loadParameters(model.getNDManager(), in);
        } catch (IOException | ai.djl.MalformedModelException e) {
            throw new IllegalStateException("cannot restore a weights snapshot", e);
        }
        parameters = new ParameterStore(model.getNDManager(), false);
    }

    /** The file {@link #save} writes. */
    public String weightsFileName() {
        return script != null ? TORCHSCRIPT_FILE : WEIGHTS_NAME + "-0000.params";
    }

    /** Writes {@code model-0000.params}, or for a TorchScript network {@code model.pt}, into {@code dir}. */
    public void save(Path dir) {
        if (script != null) {
            try (java.io.OutputStream out = Files.newOutputStream(dir.resolve(TORCHSCRIPT_FILE))) {
                if (unchangedScript != null) {
                    Files.copy(unchangedScript, out);
                } else {
                    script.write(out);
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            return;
        }
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
