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

/**
 * A network behind an input-transformation defence, as one block sharing the network's
 * parameters: every forward pass runs the transform. What the backward pass sees is {@code bpda}'s:
 * the transform's own gradient (kept in the graph, zero where the transform is flat, as a masked
 * gradient is), or BPDA's straight-through form {@code stop_gradient(transform(x)) + g(x) -
 * stop_gradient(g(x))}, whose value is the transform's and whose gradient is g's (the identity or
 * the approximation).
 */
final class InputDefence extends AbstractBlock {
    private static final byte VERSION = 1;

    private final Block network;
    private final InputTransform transform;
    private final Bpda bpda;

    InputDefence(Block network, InputTransform transform, Bpda bpda) {
        super(VERSION);
        this.network = addChildBlock("network", network);
        this.transform = transform;
        this.bpda = bpda;
    }

    /** The input as the network sees it, with the gradient {@code bpda} says. */
    NDArray transformed(NDArray x) {
        NDArray t = transform.apply(x);
        // BPDA's value must be the transform's to the last bit (the attack reads its success off these
        // logits), so the straight-through term is g - stop_gradient(g), exactly 0, added to t(x)
        // rather than t(x) - g added to g, which rounds
        return switch (bpda) {
            // x stays in the graph with a zero coefficient: an input gradient of zero, not a missing one
            case NONE -> t.add(Scalars.times(x, 0));
            case IDENTITY -> t.stopGradient().add(x.sub(x.stopGradient()));
            case APPROXIMATION -> {
                NDArray g = transform.approximation(x);
                yield t.stopGradient().add(g.sub(g.stopGradient()));
            }
        };
    }

    @Override
    protected NDList forwardInternal(ParameterStore parameterStore, NDList inputs, boolean training, PairList<String, Object> params) {
        return network.forward(parameterStore, new NDList(transformed(inputs.singletonOrThrow())), training, params);
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
