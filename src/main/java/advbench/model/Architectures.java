package advbench.model;

import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.nn.SequentialBlock;
import ai.djl.training.initializer.XavierInitializer;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.IntFunction;

/**
 * The classifiers an experiment can name. Each takes (batch, channels, height, width) images in
 * [0, 1] and returns one logit per class; the input size is fixed when the block is initialised,
 * so an architecture is a list of {@link Layer}s given the class count. To add one, add a method
 * returning its layers and register it in {@link #LAYERS}.
 */
public final class Architectures {
    private Architectures() {}

    private static final Map<String, IntFunction<List<Layer>>> LAYERS = new LinkedHashMap<>();

    static {
        LAYERS.put("small-cnn", Architectures::smallCnn);
        LAYERS.put("madry-cnn", Architectures::madryCnn);
        LAYERS.put("wong-cnn", Architectures::wongCnn);
        LAYERS.put("mlp", Architectures::mlp);
        LAYERS.put("ibp-small", Architectures::ibpSmall);
        LAYERS.put("ibp-medium", Architectures::ibpMedium);
        LAYERS.put("ibp-large", Architectures::ibpLarge);
    }

    /**
     * Architectures whose weights start from PyTorch's default initialisation, U(+-1/sqrt(fan_in)),
     * as in the code they come from, instead of DJL's Xavier over fan_in + fan_out. With DJL's
     * default, wong-cnn overfits catastrophically under FGSM-RS training at eps 0.3 (held-out PGD
     * accuracy near 0 from the first epochs); the IBP models are trained from it in their papers.
     */
    private static final List<String> PYTORCH_INIT = List.of("wong-cnn", "ibp-small", "ibp-medium", "ibp-large");

    public static List<String> names() {
        return List.copyOf(LAYERS.keySet());
    }

    public static boolean exists(String name) {
        return LAYERS.containsKey(name);
    }

    /** The layers of {@code name} with {@code classes} outputs, in order. */
    public static List<Layer> layers(String name, int classes) {
        IntFunction<List<Layer>> layers = LAYERS.get(name);
        if (layers == null) {
            throw new IllegalArgumentException("unknown architecture '" + name + "'; known: " + names());
        }
        return layers.apply(classes);
    }

    /** The block of {@code name} with {@code classes} outputs: one child block per layer. */
    public static Block build(String name, int classes) {
        return build(layers(name, classes), PYTORCH_INIT.contains(name));
    }

    /** A network of these layers, one child block per layer; {@code pytorchInit}: see {@link #PYTORCH_INIT}. */
    public static SequentialBlock build(List<Layer> layers, boolean pytorchInit) {
        SequentialBlock block = new SequentialBlock();
        layers.forEach(l -> block.add(l.block()));
        if (pytorchInit) {
            block.setInitializer(new XavierInitializer(XavierInitializer.RandomType.UNIFORM, XavierInitializer.FactorType.IN, 1f),
                    Parameter.Type.WEIGHT);
        }
        return block;
    }

    /** conv16(5x5)-pool-conv32(5x5)-pool-fc100-fc(classes): ~99% on MNIST in two epochs, fast on a CPU. */
    static List<Layer> smallCnn(int classes) {
        return List.of(conv5(16), RELU, MAX_POOL_2, conv5(32), RELU, MAX_POOL_2, FLATTEN,
                new Layer.Dense(100), RELU, new Layer.Dense(classes));
    }

    /** Madry et al. (2018) MNIST model: conv32(5x5)-pool-conv64(5x5)-pool-fc1024-fc(classes). */
    static List<Layer> madryCnn(int classes) {
        return List.of(conv5(32), RELU, MAX_POOL_2, conv5(64), RELU, MAX_POOL_2, FLATTEN,
                new Layer.Dense(1024), RELU, new Layer.Dense(classes));
    }

    /**
     * Wong, Rice and Kolter's (2020) MNIST model: conv16(4x4, stride 2)-conv32(4x4, stride 2)-fc100-fc(classes),
     * strided convolutions instead of max-pooling.
     */
    static List<Layer> wongCnn(int classes) {
        return List.of(new Layer.Conv(16, 4, 2, 1), RELU, new Layer.Conv(32, 4, 2, 1), RELU, FLATTEN,
                new Layer.Dense(100), RELU, new Layer.Dense(classes));
    }

    /** Two hidden layers of 256 units: a non-convolutional reference point. */
    static List<Layer> mlp(int classes) {
        return List.of(FLATTEN, new Layer.Dense(256), RELU, new Layer.Dense(256), RELU, new Layer.Dense(classes));
    }

    /**
     * The small model of Gowal et al. (2018, "On the Effectiveness of Interval Bound Propagation"),
     * "DM-small" in CROWN-IBP: conv16(4x4, stride 2)-conv32(4x4)-fc100-fc(classes), no padding.
     */
    static List<Layer> ibpSmall(int classes) {
        return List.of(new Layer.Conv(16, 4, 2, 0), RELU, new Layer.Conv(32, 4, 1, 0), RELU, FLATTEN,
                new Layer.Dense(100), RELU, new Layer.Dense(classes));
    }

    /** Gowal et al.'s medium model: conv32(3x3)-conv32(4x4, stride 2)-conv64(3x3)-conv64(4x4, stride 2)-fc512-fc512-fc(classes), no padding. */
    static List<Layer> ibpMedium(int classes) {
        return List.of(new Layer.Conv(32, 3, 1, 0), RELU, new Layer.Conv(32, 4, 2, 0), RELU, new Layer.Conv(64, 3, 1, 0), RELU,
                new Layer.Conv(64, 4, 2, 0), RELU, FLATTEN, new Layer.Dense(512), RELU, new Layer.Dense(512), RELU, new Layer.Dense(classes));
    }

    /**
     * Gowal et al.'s large model (CROWN-IBP's DM-large, its 6.68% verified error on MNIST at eps 0.3):
     * conv64-conv64-conv128(stride 2)-conv128-conv128, all 3x3 with "same" padding, fc512-fc(classes).
     */
    static List<Layer> ibpLarge(int classes) {
        return List.of(new Layer.Conv(64, 3, 1, 1), RELU, new Layer.Conv(64, 3, 1, 1), RELU, new Layer.Conv(128, 3, 2, 1), RELU,
                new Layer.Conv(128, 3, 1, 1), RELU, new Layer.Conv(128, 3, 1, 1), RELU, FLATTEN, new Layer.Dense(512), RELU,
                new Layer.Dense(classes));
    }

    /** 5x5 convolution with "same" padding, so an image keeps its size until pooled. */
    private static Layer conv5(int filters) {
        return new Layer.Conv(filters, 5, 1, 2);
    }

    private static final Layer RELU = new Layer.Relu();
    private static final Layer MAX_POOL_2 = new Layer.MaxPool(2);
    private static final Layer FLATTEN = new Layer.Flatten();
}
