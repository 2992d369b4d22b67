package advbench.model;

import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.Block;
import ai.djl.nn.Blocks;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.BatchNorm;
import ai.djl.nn.pooling.Pool;

/**
 * One layer of an architecture built here, as a value: what {@link Architectures} builds a
 * network's blocks from, one block per layer, and what anything that must read the network
 * layer by layer (the certified bounds of {@code bounds}) reads it as. A DJL network is blocks
 * whose activation, pooling and flattening are opaque lambdas; this says which is which.
 */
public sealed interface Layer {

    /** The DJL block of this layer. */
    Block block();

    /** A 2-D convolution of {@code kernel} x {@code kernel}, with bias. */
    record Conv(int filters, int kernel, int stride, int padding) implements Layer {
        @Override
        public Block block() {
            return Conv2d.builder().setKernelShape(new Shape(kernel, kernel)).optStride(new Shape(stride, stride))
                    .optPadding(new Shape(padding, padding)).setFilters(filters).build();
        }
    }

    /** A fully connected layer, with bias, on a flat input. */
    record Dense(int units) implements Layer {
        @Override
        public Block block() {
            return Linear.builder().setUnits(units).build();
        }
    }

    record Relu() implements Layer {
        @Override
        public Block block() {
            return Activation.reluBlock();
        }
    }

    /** Max-pooling over {@code size} x {@code size} windows, stride {@code size}. */
    record MaxPool(int size) implements Layer {
        @Override
        public Block block() {
            return Pool.maxPool2dBlock(new Shape(size, size));
        }
    }

    /** Average-pooling over {@code size} x {@code size} windows, stride {@code size}. */
    record AvgPool(int size) implements Layer {
        @Override
        public Block block() {
            return Pool.avgPool2dBlock(new Shape(size, size));
        }
    }

    /** (N, C, H, W) to (N, C * H * W). */
    record Flatten() implements Layer {
        @Override
        public Block block() {
            return Blocks.batchFlattenBlock();
        }
    }

    /** Batch normalisation over channels (axis 1); under attack and verification, its running statistics. */
    record BatchNormalization() implements Layer {
        @Override
        public Block block() {
            return BatchNorm.builder().build();
        }
    }
}
