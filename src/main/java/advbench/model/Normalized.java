package advbench.model;

import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Block;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;

/**
 * A network with {@link Preprocessing} in front of it, as one block: training, attacks and the
 * trainer all go through the same forward, so no path can forget the normalisation.
 */
final class Normalized extends AbstractBlock {
    private static final byte VERSION = 1;

    private final Block network;
    private final Preprocessing preprocessing;

    Normalized(Block network, Preprocessing preprocessing) {
        super(VERSION);
        this.network = addChildBlock("network", network);
        this.preprocessing = preprocessing;
    }

    /** The network behind the normalisation. */
    Block network() {
        return network;
    }

    @Override
    protected NDList forwardInternal(ParameterStore parameterStore, NDList inputs, boolean training, PairList<String, Object> params) {
        try (NDList normalized = new NDList(preprocessing.apply(inputs.singletonOrThrow()))) {
            NDList out = network.forward(parameterStore, normalized, training, params);
            // the normalised copy is freed at once; the outputs must outlive it
            return out;
        }
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
