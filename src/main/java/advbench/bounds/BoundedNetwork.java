package advbench.bounds;

import advbench.model.Classifier;
import advbench.model.Layer;
import advbench.model.Preprocessing;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import java.util.ArrayList;
import java.util.List;

/**
 * A network built here as a sequence of {@link Step}s holding its parameters (the preprocessing
 * first, if any), over which certified bounds are computed for an L-inf ball around each input,
 * intersected with the box [0, 1]:
 *
 * <ul>
 *   <li>interval bound propagation (IBP; Gowal et al. 2018): each layer's output interval from its
 *       input's, the last layer folded into the specification (the margins z_y - z_j);
 *   <li>CROWN-IBP (Zhang et al. 2020): IBP's intervals for every ReLU, then one backward pass of
 *       CROWN from the specification to the input, through linear relaxations of the ReLUs. A
 *       max-pooling layer has no linear bound here: the backward pass stops after it and takes its
 *       IBP interval (still sound, and as tight as the layers after it allow).
 * </ul>
 *
 * Both are vectorised over the batch on the device and differentiable in the parameters, so
 * training minimises them directly. The parameters are the model's own arrays: during training,
 * what flows back reaches the trainer's update.
 */
public final class BoundedNetwork {
    private final List<Step> steps;

    BoundedNetwork(List<Step> steps) {
        if (steps.isEmpty() || !(steps.get(steps.size() - 1) instanceof Step.Dense)) {
            throw new IllegalArgumentException("certified bounds need a network whose last layer is fully connected");
        }
        this.steps = List.copyOf(steps);
    }

    /** Whether bounds can be computed for this classifier: its layers are known (built here, not TorchScript). */
    public static boolean boundable(Classifier model) {
        return model.layers().isPresent();
    }

    /** The classifier's network with its current parameters; the classifier must be {@link #boundable}. */
    public static BoundedNetwork of(Classifier model) {
        List<Layer> layers = model.layers().orElseThrow(() -> new IllegalArgumentException(model.architecture()
                + " is not a network built here: certified bounds need its layers"));
        return of(model.layerBlocks(), layers, model.preprocessing(), model.manager());
    }

    /** Layers and their blocks (one each, with parameters), with {@code preprocessing} (or null) in front; constants in {@code m}. */
    public static BoundedNetwork of(List<Block> blocks, List<Layer> layers, Preprocessing preprocessing, NDManager m) {
        if (blocks.size() != layers.size()) {
            throw new IllegalArgumentException(blocks.size() + " blocks for " + layers.size() + " layers");
        }
        List<Step> steps = new ArrayList<>();
        if (preprocessing != null) {
            float[] scale = new float[preprocessing.channels()];
            float[] shift = new float[scale.length];
            for (int c = 0; c < scale.length; c++) {
                scale[c] = (float) (1 / preprocessing.std().get(c));
                shift[c] = (float) (-preprocessing.mean().get(c) / preprocessing.std().get(c));
            }
            steps.add(new Step.ChannelAffine(m.create(scale), m.create(shift)));
        }
        for (int i = 0; i < layers.size(); i++) {
            steps.add(step(layers.get(i), blocks.get(i), m));
        }
        return new BoundedNetwork(steps);
    }

    private static Step step(Layer layer, Block block, NDManager m) {
        if (layer instanceof Layer.Conv c) {
            return new Step.Conv(param(block, "weight"), param(block, "bias"), c.stride(), c.padding());
        }
        if (layer instanceof Layer.Dense) {
            return new Step.Dense(param(block, "weight"), param(block, "bias"));
        }
        if (layer instanceof Layer.Relu) {
            return new Step.Relu();
        }
        if (layer instanceof Layer.MaxPool p) {
            return new Step.MaxPool(p.size());
        }
        if (layer instanceof Layer.AvgPool p) {
            return new Step.AvgPool(p.size());
        }
        if (layer instanceof Layer.Flatten) {
            return new Step.Flatten();
        }
        // batch normalisation in evaluation mode: (x - mean) / sqrt(var + eps) * gamma + beta, DJL's default eps
        NDArray scale = param(block, "gamma").div(param(block, "runningVar").add(BATCH_NORM_EPSILON).sqrt());
        NDArray shift = param(block, "beta").sub(param(block, "runningMean").mul(scale));
        return new Step.ChannelAffine(scale, shift);
    }

    /** BatchNorm.builder()'s epsilon, with which {@link Layer.BatchNormalization} builds its block. */
    private static final float BATCH_NORM_EPSILON = 1e-5f;

    private static NDArray param(Block block, String name) {
        Parameter p = block.getDirectParameters().get(name);
        if (p == null || !p.isInitialized()) {
            throw new IllegalStateException("no initialised parameter " + name + " in " + block);
        }
        return p.getArray();
    }

    /** The plain forward pass: the classifier's logits, recomputed step by step. */
    public NDArray forward(NDArray x) {
        NDArray v = x;
        for (Step s : steps) {
            v = s.forward(v);
        }
        return v;
    }

    /** Interval bound propagation: the interval at each step's input, then the last step's output (steps + 1 of them). */
    public List<Interval> propagate(Interval input) {
        List<Interval> out = new ArrayList<>(steps.size() + 1);
        out.add(input);
        Interval v = input;
        for (Step s : steps) {
            v = s.bound(v);
            out.add(v);
        }
        return out;
    }

    /**
     * IBP's lower bound of each row of the specification {@code spec} (N, K, classes) applied to the
     * logits, with the last layer folded into it: from the interval of that layer's input.
     */
    public NDArray ibpLowerBound(List<Interval> intervals, NDArray spec) {
        return last().fold(spec).concretize(intervals.get(steps.size() - 1));
    }

    /**
     * CROWN-IBP's lower bound of the same: the specification through the last layer, then back
     * through every earlier step to the input box (or to the output of the last max-pooling layer),
     * each ReLU relaxed over its IBP interval.
     */
    public NDArray crownLowerBound(List<Interval> intervals, NDArray spec) {
        LinearBound a = last().fold(spec);
        for (int i = steps.size() - 2; i >= 0; i--) {
            Step s = steps.get(i);
            Interval in = intervals.get(i);
            if (s instanceof Step.Affine affine) {
                a = affine.back(a, in.lower().getShape());
            } else if (s instanceof Step.Relu relu) {
                a = relu.back(a, in);
            } else {
                return a.concretize(intervals.get(i + 1)); // max-pooling: no linear bound passes it
            }
        }
        return a.concretize(intervals.get(0));
    }

    /**
     * Images per call that keep CROWN-IBP's coefficients (a value per margin, layer value and
     * image) to a few gigabytes on the largest network here (ibp-large); callers bound larger sets
     * in chunks of this many, each in a scope of its own.
     */
    public static final int CHUNK = 100;

    /**
     * Lower bounds of the margins z_y - z_j (N, classes) over the ball of radius {@code eps} around
     * each image; the label's column is 0. A sample is certified when every other column is
     * positive. CROWN-IBP takes, per margin, the larger of its bound and IBP's: both hold.
     */
    public NDArray marginLowerBounds(NDArray x, double eps, int[] labels, BoundMethod method) {
        List<Interval> intervals = propagate(Interval.ball(x, eps));
        NDArray spec = marginSpec(x.getManager(), labels, classes());
        NDArray ibp = ibpLowerBound(intervals, spec);
        return method == BoundMethod.IBP ? ibp : ibp.maximum(crownLowerBound(intervals, spec));
    }

    /**
     * Lower and upper bounds of every logit over the ball (specifications I and -I): what the
     * soundness tests hold sampled points against.
     */
    public Interval logitBounds(NDArray x, double eps, BoundMethod method) {
        List<Interval> intervals = propagate(Interval.ball(x, eps));
        NDManager m = x.getManager();
        int n = (int) x.getShape().get(0);
        NDArray identity = m.eye(classes()).expandDims(0).repeat(0, n);
        NDArray lower = ibpLowerBound(intervals, identity);
        NDArray upper = ibpLowerBound(intervals, identity.neg()).neg();
        if (method == BoundMethod.CROWN_IBP) {
            lower = lower.maximum(crownLowerBound(intervals, identity));
            upper = upper.minimum(crownLowerBound(intervals, identity.neg()).neg());
        }
        return new Interval(lower, upper);
    }

    /** C (N, classes, classes): row j of sample i is e_{y_i} - e_j, so C z is the margins z_y - z_j. */
    public static NDArray marginSpec(NDManager m, int[] labels, int classes) {
        float[] c = new float[labels.length * classes * classes];
        for (int i = 0; i < labels.length; i++) {
            for (int j = 0; j < classes; j++) {
                int row = (i * classes + j) * classes;
                c[row + labels[i]] += 1;
                c[row + j] -= 1;
            }
        }
        return m.create(c, new Shape(labels.length, classes, classes));
    }

    /** Per sample, whether every margin but the label's has a positive lower bound. */
    public static boolean[] certified(NDArray marginLowerBounds, int[] labels) {
        int classes = (int) marginLowerBounds.getShape().get(1);
        float[] lb = marginLowerBounds.toFloatArray();
        boolean[] out = new boolean[labels.length];
        for (int i = 0; i < labels.length; i++) {
            boolean all = true;
            for (int j = 0; j < classes && all; j++) {
                all = j == labels[i] || lb[i * classes + j] > 0;
            }
            out[i] = all;
        }
        return out;
    }

    public int classes() {
        return (int) last().weight().getShape().get(0);
    }

    private Step.Dense last() {
        return (Step.Dense) steps.get(steps.size() - 1);
    }
}
