package advbench.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Block;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import java.util.function.UnaryOperator;

/**
 * A trained network between two fixed transformations of its input and of its logits, as one
 * block (see {@link Classifier#transformed}); the network's parameters are shared, not copied.
 */
final class Transformed extends AbstractBlock {
    private static final byte VERSION = 1;

    private final Block network;
    private final UnaryOperator<NDArray> input;
    private final UnaryOperator<NDArray> output;

    Transformed(Block network, UnaryOperator<NDArray> input, UnaryOperator<NDArray> output) {
        super(VERSION);
        this.network = addChildBlock("network", network);
        this.input = input;
        this.output = output;
    }

    @Override
    protected NDList forwardInternal(ParameterStore parameterStore, NDList inputs, boolean training, PairList<String, Object> params) {
        NDList out = network.forward(parameterStore, new NDList(input.apply(inputs.singletonOrThrow())), training, params);
        return new NDList(output.apply(out.singletonOrThrow()));
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return network.getOutputShapes(inputShapes);
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        network.initialize(manager, dataType, inputShapes);
    }
}
