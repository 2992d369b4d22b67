package advbench.model;

import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.Block;
import ai.djl.nn.Blocks;
import ai.djl.nn.Parameter;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.core.Linear;
import ai.djl.nn.pooling.Pool;
import ai.djl.training.initializer.XavierInitializer;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.IntFunction;

/**
 * The classifiers an experiment can name. Each takes (batch, channels, height, width) images in
 * [0, 1] and returns one logit per class; the input size is fixed when the block is initialised,
 * so the builders only need the class count. To add one, add a builder method and register it in
 * {@link #BUILDERS}.
 */
public final class Architectures {
    private Architectures() {}

    private static final Map<String, IntFunction<Block>> BUILDERS = new LinkedHashMap<>();

    static {
        BUILDERS.put("small-cnn", Architectures::smallCnn);
        BUILDERS.put("madry-cnn", Architectures::madryCnn);
        BUILDERS.put("wong-cnn", Architectures::wongCnn);
        BUILDERS.put("mlp", Architectures::mlp);
    }

    public static List<String> names() {
        return List.copyOf(BUILDERS.keySet());
    }

    public static boolean exists(String name) {
        return BUILDERS.containsKey(name);
    }

    /** The block of {@code name} with {@code classes} outputs. */
    public static Block build(String name, int classes) {
        IntFunction<Block> builder = BUILDERS.get(name);
        if (builder == null) {
            throw new IllegalArgumentException("unknown architecture '" + name + "'; known: " + names());
        }
        return builder.apply(classes);
    }

    /** conv16(5x5)-pool-conv32(5x5)-pool-fc100-fc(classes): ~99% on MNIST in two epochs, fast on a CPU. */
    static Block smallCnn(int classes) {
        return new SequentialBlock()
                .add(conv(16)).add(Activation.reluBlock()).add(Pool.maxPool2dBlock(new Shape(2, 2)))
                .add(conv(32)).add(Activation.reluBlock()).add(Pool.maxPool2dBlock(new Shape(2, 2)))
                .add(Blocks.batchFlattenBlock())
                .add(Linear.builder().setUnits(100).build()).add(Activation.reluBlock())
                .add(Linear.builder().setUnits(classes).build());
    }

    /** Madry et al. (2018) MNIST model: conv32(5x5)-pool-conv64(5x5)-pool-fc1024-fc(classes). */
    static Block madryCnn(int classes) {
        return new SequentialBlock()
                .add(conv(32)).add(Activation.reluBlock()).add(Pool.maxPool2dBlock(new Shape(2, 2)))
                .add(conv(64)).add(Activation.reluBlock()).add(Pool.maxPool2dBlock(new Shape(2, 2)))
                .add(Blocks.batchFlattenBlock())
                .add(Linear.builder().setUnits(1024).build()).add(Activation.reluBlock())
                .add(Linear.builder().setUnits(classes).build());
    }

    /**
     * Wong, Rice and Kolter's (2020) MNIST model: conv16(4x4, stride 2)-conv32(4x4, stride 2)-fc100-fc(classes),
     * strided convolutions instead of max-pooling.
     */
    static Block wongCnn(int classes) {
        Block block = new SequentialBlock()
                .add(Conv2d.builder().setKernelShape(new Shape(4, 4)).optStride(new Shape(2, 2)).optPadding(new Shape(1, 1)).setFilters(16).build())
                .add(Activation.reluBlock())
                .add(Conv2d.builder().setKernelShape(new Shape(4, 4)).optStride(new Shape(2, 2)).optPadding(new Shape(1, 1)).setFilters(32).build())
                .add(Activation.reluBlock())
                .add(Blocks.batchFlattenBlock())
                .add(Linear.builder().setUnits(100).build()).add(Activation.reluBlock())
                .add(Linear.builder().setUnits(classes).build());
        // PyTorch's default initialisation, as in their code: U(+-1/sqrt(fan_in)) weights. With
        // DJL's default (Xavier over fan_in + fan_out) this model overfits catastrophically
        // under FGSM-RS training at eps 0.3 (held-out PGD accuracy near 0 from the first epochs).
        block.setInitializer(new XavierInitializer(XavierInitializer.RandomType.UNIFORM, XavierInitializer.FactorType.IN, 1f),
                Parameter.Type.WEIGHT);
        return block;
    }

    /** Two hidden layers of 256 units: a non-convolutional reference point. */
    static Block mlp(int classes) {
        return new SequentialBlock()
                .add(Blocks.batchFlattenBlock())
                .add(Linear.builder().setUnits(256).build()).add(Activation.reluBlock())
                .add(Linear.builder().setUnits(256).build()).add(Activation.reluBlock())
                .add(Linear.builder().setUnits(classes).build());
    }

    /** 5x5 convolution with "same" padding, so an image keeps its size until pooled. */
    private static Block conv(int filters) {
        return Conv2d.builder().setKernelShape(new Shape(5, 5)).optPadding(new Shape(2, 2)).setFilters(filters).build();
    }
}
