package advbench.bounds;

import advbench.model.Scalars;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.core.Linear;
import ai.djl.nn.pooling.Pool;

/**
 * One layer of a network as bound propagation sees it, with the parameters it holds: the plain
 * forward pass, the interval it maps an interval to (interval bound propagation, Gowal et al.
 * 2018), and, for the layers a linear bound passes through, that bound pulled back to the layer's
 * input (the backward pass of CROWN, Zhang et al. 2018, as CROWN-IBP runs it: Zhang et al. 2020).
 *
 * <p>Arrays a step makes from its parameters alone (|W|, a constant kernel) would belong to the
 * model's manager and outlive the batch; they are attached to the manager of the batch's arrays.
 */
sealed interface Step {

    NDArray forward(NDArray x);

    /** Bounds of the output over every input within {@code in}. */
    Interval bound(Interval in);

    /** An affine step: a linear lower bound of a later quantity, {@code A . out + bias}, as one of the input. */
    sealed interface Affine extends Step {
        /** @param inShape the shape of this step's input, batch first */
        LinearBound back(LinearBound a, Shape inShape);
    }

    /** A step no linear bound passes (max-pooling): CROWN's pass stops there and takes the step's output interval. */
    sealed interface Opaque extends Step {}

    static NDArray owned(NDArray made, NDManager by) {
        made.attach(by);
        return made;
    }

    /** A 2-D convolution: W (out, in, k, k), bias (out). */
    record Conv(NDArray weight, NDArray bias, int stride, int padding) implements Affine {
        @Override
        public NDArray forward(NDArray x) {
            return Conv2d.conv2d(x, weight, bias, new Shape(stride, stride), new Shape(padding, padding)).singletonOrThrow();
        }

        @Override
        public Interval bound(Interval in) {
            NDManager m = in.lower().getManager();
            NDArray center = forward(in.center());
            NDArray absW = owned(weight.abs(), m);
            NDArray radius = Conv2d.conv2d(in.radius(), absW, owned(bias.zerosLike(), m), new Shape(stride, stride),
                    new Shape(padding, padding)).singletonOrThrow();
            return Interval.around(center, radius);
        }

        @Override
        public LinearBound back(LinearBound a, Shape inShape) {
            long n = a.coefficients().getShape().get(0);
            long k = a.coefficients().getShape().get(1);
            Shape out = a.coefficients().getShape().slice(2);
            NDManager m = a.coefficients().getManager();
            NDArray perChannelBias = owned(bias.reshape(1, 1, out.get(0), 1, 1), m);
            NDArray biasTerm = a.coefficients().mul(perChannelBias).sum(new int[] {2, 3, 4});
            NDArray flat = a.coefficients().reshape(n * k, out.get(0), out.get(1), out.get(2));
            NDArray pulled = Adjoints.conv(flat, weight, stride, padding, inShape.get(2), inShape.get(3));
            return new LinearBound(pulled.reshape(new Shape(n, k).addAll(inShape.slice(1))), a.bias().add(biasTerm));
        }
    }

    /** A fully connected layer: W (out, in), bias (out), on (N, in). */
    record Dense(NDArray weight, NDArray bias) implements Affine {
        @Override
        public NDArray forward(NDArray x) {
            return Linear.linear(x, weight, bias).singletonOrThrow();
        }

        @Override
        public Interval bound(Interval in) {
            NDManager m = in.lower().getManager();
            NDArray center = forward(in.center());
            NDArray radius = Linear.linear(in.radius(), owned(weight.abs(), m)).singletonOrThrow();
            return Interval.around(center, radius);
        }

        @Override
        public LinearBound back(LinearBound a, Shape inShape) {
            NDArray biasTerm = a.coefficients().mul(bias).sum(new int[] {2});
            return new LinearBound(a.coefficients().matMul(weight), a.bias().add(biasTerm));
        }

        /**
         * The last layer folded into a specification C (N, K, out): the linear map C W and bias C b
         * of the quantities C z, e.g. the margins z_y - z_j (the elision of Gowal et al.).
         */
        LinearBound fold(NDArray spec) {
            NDManager m = spec.getManager();
            NDArray bias2 = owned(bias.reshape(-1, 1), m);
            return new LinearBound(spec.matMul(weight), spec.matMul(bias2).squeeze(2));
        }
    }

    /**
     * A per-channel affine map {@code x * scale + shift} over axis 1: the preprocessing's
     * normalisation, and batch normalisation with its running statistics.
     */
    record ChannelAffine(NDArray scale, NDArray shift) implements Affine {
        private NDArray shaped(NDArray v, long rank, int leading) {
            long[] dims = new long[(int) rank + leading];
            java.util.Arrays.fill(dims, 1);
            dims[leading + 1] = v.size();
            return v.reshape(new Shape(dims));
        }

        @Override
        public NDArray forward(NDArray x) {
            NDManager m = x.getManager();
            return x.mul(owned(shaped(scale, x.getShape().dimension(), 0), m)).add(owned(shaped(shift, x.getShape().dimension(), 0), m));
        }

        @Override
        public Interval bound(Interval in) {
            NDManager m = in.lower().getManager();
            NDArray absScale = owned(shaped(scale, in.lower().getShape().dimension(), 0), m).abs();
            return Interval.around(forward(in.center()), in.radius().mul(absScale));
        }

        @Override
        public LinearBound back(LinearBound a, Shape inShape) {
            NDManager m = a.coefficients().getManager();
            int rank = inShape.dimension();
            NDArray s = owned(shaped(scale, rank, 1), m);
            NDArray t = owned(shaped(shift, rank, 1), m);
            int[] inner = java.util.stream.IntStream.range(2, rank + 1).toArray();
            return new LinearBound(a.coefficients().mul(s), a.bias().add(a.coefficients().mul(t).sum(inner)));
        }
    }

    /** (N, C, H, W) to (N, C * H * W). */
    record Flatten() implements Affine {
        @Override
        public NDArray forward(NDArray x) {
            return x.reshape(x.getShape().get(0), -1);
        }

        @Override
        public Interval bound(Interval in) {
            return new Interval(forward(in.lower()), forward(in.upper()));
        }

        @Override
        public LinearBound back(LinearBound a, Shape inShape) {
            Shape s = a.coefficients().getShape();
            return new LinearBound(a.coefficients().reshape(new Shape(s.get(0), s.get(1)).addAll(inShape.slice(1))), a.bias());
        }
    }

    /** Average-pooling over size x size windows, stride size: monotone, with non-negative weights. */
    record AvgPool(int size) implements Affine {
        @Override
        public NDArray forward(NDArray x) {
            return Pool.avgPool2d(x, new Shape(size, size), new Shape(size, size), new Shape(0, 0), false, true);
        }

        @Override
        public Interval bound(Interval in) {
            return new Interval(forward(in.lower()), forward(in.upper()));
        }

        @Override
        public LinearBound back(LinearBound a, Shape inShape) {
            Shape s = a.coefficients().getShape();
            NDArray flat = a.coefficients().reshape(s.get(0) * s.get(1), s.get(2), s.get(3), s.get(4));
            NDArray pulled = Adjoints.avgPool(flat, size, inShape.get(2), inShape.get(3));
            return new LinearBound(pulled.reshape(new Shape(s.get(0), s.get(1)).addAll(inShape.slice(1))), a.bias());
        }
    }

    /**
     * ReLU: monotone, so bounds map through it; a linear bound passes it by CROWN-IBP's relaxation
     * of each neuron whose input interval [l, u] holds zero: the chord from (l, 0) to (u, u) above,
     * and below the line of slope 1 when u > -l, else 0 (Zhang et al. 2020's adaptive choice).
     */
    record Relu() implements Step {
        @Override
        public NDArray forward(NDArray x) {
            return Scalars.positivePart(x);
        }

        @Override
        public Interval bound(Interval in) {
            return new Interval(forward(in.lower()), forward(in.upper()));
        }

        /** The lower linear bound of a later quantity pulled back through the ReLU whose input lies in {@code in}. */
        LinearBound back(LinearBound a, Interval in) {
            NDArray l = Scalars.negativePart(in.lower()).expandDims(1);
            NDArray u = Scalars.positivePart(in.upper()).expandDims(1);
            u = u.maximum(l.add(1e-8f)); // l = u = 0: any slope is exact; this one keeps the division finite
            NDArray upperSlope = u.div(u.sub(l));
            NDArray upperIntercept = l.neg().mul(upperSlope);
            NDArray lowerSlope = upperSlope.gt(0.5f).toType(upperSlope.getDataType(), false);
            NDArray positive = Scalars.positivePart(a.coefficients());
            NDArray negative = Scalars.negativePart(a.coefficients());
            int[] inner = java.util.stream.IntStream.range(2, a.coefficients().getShape().dimension()).toArray();
            // a negative coefficient needs the neuron's upper relaxation (and its intercept), a positive one its lower
            NDArray biasTerm = negative.mul(upperIntercept).sum(inner);
            return new LinearBound(negative.mul(upperSlope).add(positive.mul(lowerSlope)), a.bias().add(biasTerm));
        }
    }

    /** Max-pooling over size x size windows, stride size: monotone, so bounds map through it. */
    record MaxPool(int size) implements Opaque {
        @Override
        public NDArray forward(NDArray x) {
            return Pool.maxPool2d(x, new Shape(size, size), new Shape(size, size), new Shape(0, 0), false);
        }

        @Override
        public Interval bound(Interval in) {
            return new Interval(forward(in.lower()), forward(in.upper()));
        }
    }
}
