package advbench.bounds;

import advbench.model.Scalars;
import ai.djl.ndarray.NDArray;

/**
 * Elementwise bounds lower <= v <= upper of every value of a layer's input or output, for each
 * sample of a batch: what interval bound propagation carries from layer to layer.
 */
public record Interval(NDArray lower, NDArray upper) {

    /** The L-inf ball of radius eps around x, intersected with the box [0, 1] the images live in. */
    public static Interval ball(NDArray x, double eps) {
        return new Interval(x.sub((float) eps).maximum(0f), x.add((float) eps).minimum(1f));
    }

    public NDArray center() {
        return Scalars.times(upper.add(lower), 0.5);
    }

    public NDArray radius() {
        return Scalars.times(upper.sub(lower), 0.5);
    }

    /** Center plus or minus radius: the form affine layers map. */
    static Interval around(NDArray center, NDArray radius) {
        return new Interval(center.sub(radius), center.add(radius));
    }
}
