package advbench.model;

import ai.djl.ndarray.NDArray;

/**
 * Arithmetic with a Java number on a path that is differentiated. DJL's PyTorch engine turns the
 * number of {@code x.mul(2f)}, {@code x.div(2f)} or {@code x.maximum(0f)} into a scalar array and
 * frees it as soon as the operation returns, but autograd keeps the scalar for the backward pass
 * (the gradient of x * c is c): the backward pass then reads freed memory, and the gradient is
 * right only while nothing has reused it. Training on certified bounds hit this as NaN or
 * irreproducible weights; DjlBehaviourTest pins the safe form. Here the scalar is an array of
 * {@code x}'s manager, alive until that manager closes, after any backward pass over it.
 */
public final class Scalars {
    private Scalars() {}

    /** {@code c} as a scalar array in {@code like}'s manager, with its data type. */
    public static NDArray of(NDArray like, double c) {
        return like.getManager().create((float) c).toType(like.getDataType(), false);
    }

    public static NDArray times(NDArray x, double c) {
        return x.mul(of(x, c));
    }

    /** max(x, 0), through the engine's ReLU, which keeps no scalar. */
    public static NDArray positivePart(NDArray x) {
        return ai.djl.nn.Activation.relu(x);
    }

    /** min(x, 0) = -max(-x, 0). */
    public static NDArray negativePart(NDArray x) {
        return ai.djl.nn.Activation.relu(x.neg()).neg();
    }
}
