package advbench.model;

import advbench.data.DataShape;
import advbench.data.LabeledImages;
import ai.djl.Model;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.training.GradientCollector;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/**
 * A trained (or trainable) image classifier as attacks see it: logits in inference mode, the
 * gradient of a loss with respect to the input, and a count of the passes spent on both. It knows
 * the {@link DataShape} it takes, and that its outputs are the data's classes. Its network is one
 * of the {@link Architectures} built here or a TorchScript module (see {@link Classifiers} for
 * where classifiers come from), either with {@link Preprocessing} in front, so that everything
 * outside sees [0, 1] pixels. Its {@link Weights} persist it; its {@link Trainability} says what
 * a training step may change.
 */
public final class Classifier implements AutoCloseable {
    private final String architecture;
    private final DataShape shape;
    private final Model model;
    private final Weights weights;
    private final Trainability trainability;
    private final Preprocessing preprocessing;
    private final List<Layer> layers;
    private final Passes passes;
    /** What logits and gradients pass through: the model's block, or it behind an input-transformation defence. */
    private final Block evaluated;
    private final InputTransform transform;
    /** Whether closing this closes the model: a view (defended, BPDA) shares its owner's. */
    private final boolean owner;

    Classifier(String architecture, DataShape shape, Model model, Weights weights, Preprocessing preprocessing) {
        this(architecture, shape, model, weights, preprocessing, null);
    }

    Classifier(String architecture, DataShape shape, Model model, Weights weights, Preprocessing preprocessing, List<Layer> layers) {
        this(architecture, shape, model, weights, new Trainability(model.getBlock()), preprocessing, layers, new Passes(), model.getBlock(), null,
                true);
    }

    private Classifier(String architecture, DataShape shape, Model model, Weights weights, Trainability trainability,
                       Preprocessing preprocessing, List<Layer> layers, Passes passes, Block evaluated, InputTransform transform,
                       boolean owner) {
        this.layers = layers == null ? null : List.copyOf(layers);
        this.architecture = architecture;
        this.shape = shape;
        this.model = model;
        this.weights = weights;
        this.trainability = trainability;
        this.preprocessing = preprocessing;
        this.passes = passes;
        this.evaluated = evaluated;
        this.transform = transform;
        this.owner = owner;
    }

    /**
     * This classifier behind an input-transformation defence: every forward pass runs {@code t}
     * first, on the pixels, before any preprocessing. The weights, their training and the model
     * cache are this classifier's; the transform is part of what is evaluated. A view: closing it
     * leaves this one open. Certified bounds do not see through a transform ({@link #layers()} is
     * empty).
     */
    public Classifier defendedBy(InputTransform t) {
        return new Classifier(architecture, shape, model, weights, trainability, preprocessing, null, new Passes(),
                new InputDefence(model.getBlock(), t, Bpda.NONE), t, false);
    }

    /**
     * The same defended classifier with gradients by BPDA: the same logits, the gradient {@code
     * bpda} says (see {@link InputDefence}), and the same pass counts, so an attack run on it is
     * charged where the others are.
     */
    public Classifier withBpda(Bpda bpda) {
        if (transform == null) {
            throw new IllegalStateException(architecture + " has no input transformation for BPDA to pass");
        }
        return new Classifier(architecture, shape, model, weights, trainability, preprocessing, null, passes,
                new InputDefence(model.getBlock(), transform, bpda), transform, false);
    }

    /** The input-transformation defence in front, or null. */
    public InputTransform transform() {
        return transform;
    }

    public String architecture() {
        return architecture;
    }

    /** The images it takes and the classes it tells apart. */
    public DataShape shape() {
        return shape;
    }

    /** The normalisation in front of the network, or null. */
    public Preprocessing preprocessing() {
        return preprocessing;
    }

    public Weights weights() {
        return weights;
    }

    /**
     * The layers of a network built here, in order, each with its block ({@code blocks()} of the
     * same index holds its parameters); empty for a TorchScript module, whose layers are opaque.
     */
    public Optional<List<Layer>> layers() {
        return Optional.ofNullable(layers);
    }

    /** The blocks of a network built here, one per {@link #layers()}, behind any preprocessing. */
    public List<Block> layerBlocks() {
        if (layers().isEmpty()) {
            throw new IllegalStateException(architecture + " is not a network built here: its layers are opaque");
        }
        Block network = model.getBlock() instanceof Normalized normalized ? normalized.network() : model.getBlock();
        return network.getChildren().values();
    }

    public Trainability trainability() {
        return trainability;
    }

    public Model djlModel() {
        return model;
    }

    public NDManager manager() {
        return model.getNDManager();
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

        /** Charges passes spent on another model for this one's work (a transfer attack's crafting on its source). */
        public void charge(long forwardPasses, long backwardPasses) {
            forward += forwardPasses;
            backward += backwardPasses;
        }
    }

    public Passes passes() {
        return passes;
    }

    /**
     * Logits in inference mode (training=false: no dropout, batch norm uses running statistics).
     * The result belongs to the manager of {@code x}.
     */
    public NDArray logits(NDArray x) {
        passes.forward += x.getShape().get(0);
        return evaluated.forward(weights.store(), new NDList(x), false).singletonOrThrow();
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
    public Gradient gradientOf(NDArray x, Function<NDArray, NDArray> loss) {
        List<Parameter> trainable = trainability.trainable();
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

    /** Index of the largest logit of each row. */
    public static int[] argMax(NDArray logits) {
        try (NDArray arg = logits.argMax(1)) {
            return arg.toType(DataType.INT32, false).toIntArray();
        }
    }

    @Override
    public void close() {
        if (owner) {
            model.close();
        }
    }
}
