package advbench.attack;

import ai.djl.ndarray.NDArray;
import java.util.SplittableRandom;

/**
 * The norm in which an attack's budget epsilon is measured, with what an attack needs of it:
 * the steepest-ascent direction for a gradient, projection onto the epsilon ball around x (and
 * the [0, 1] box), and a uniform random point in the ball for random starts.
 *
 * <p>Array expressions start from the iterate, not from x, so that results land in the
 * iterate's (short-lived) NDManager.
 */
public enum Norm {
    LINF("L-inf") {
        @Override
        public NDArray ascent(NDArray gradient) {
            return gradient.sign();
        }

        @Override
        public NDArray project(NDArray xAdv, NDArray x, double eps) {
            return xAdv.sub(x).clip(-eps, eps).add(x).clip(0f, 1f);
        }

        @Override
        void fillUnitBall(float[] out, int offset, int size, SplittableRandom random) {
            for (int i = 0; i < size; i++) {
                out[offset + i] = (float) random.nextDouble(-1.0, 1.0);
            }
        }
    },
    L2("L2") {
        @Override
        public NDArray ascent(NDArray gradient) {
            return gradient.div(perSampleL2(gradient).add(1e-12f));
        }

        /**
         * The exact Euclidean projection onto the ball: delta * min(1, eps / |delta|_2). Clipping
         * to the box afterwards only shrinks components of delta, so it stays in the ball.
         */
        @Override
        public NDArray project(NDArray xAdv, NDArray x, double eps) {
            NDArray delta = xAdv.sub(x);
            NDArray factor = perSampleL2(delta).maximum(1e-12f).pow(-1).mul(eps).minimum(1f);
            return delta.mul(factor).add(x).clip(0f, 1f);
        }

        /** Uniform in the unit ball: a Gaussian direction with radius u^(1/d). */
        @Override
        void fillUnitBall(float[] out, int offset, int size, SplittableRandom random) {
            double sq = 0;
            for (int i = 0; i < size; i++) {
                double g = random.nextGaussian();
                out[offset + i] = (float) g;
                sq += g * g;
            }
            double scale = Math.pow(random.nextDouble(), 1.0 / size) / Math.sqrt(sq);
            for (int i = 0; i < size; i++) {
                out[offset + i] = (float) (out[offset + i] * scale);
            }
        }
    };

    private final String label;

    Norm(String label) {
        this.label = label;
    }

    public String label() {
        return label;
    }

    /** The unit step of steepest ascent for this norm: sign(g) for L-inf, g / |g|_2 for L2. */
    public abstract NDArray ascent(NDArray gradient);

    /** The closest point to xAdv within distance eps of x that is also a valid image. */
    public abstract NDArray project(NDArray xAdv, NDArray x, double eps);

    /** Writes a uniform sample of the unit ball of dimension {@code size} at {@code offset}. */
    abstract void fillUnitBall(float[] out, int offset, int size, SplittableRandom random);

    /** Per-sample L2 norms of an (N, ...) array, shaped (N, 1, 1, 1) for broadcasting. */
    static NDArray perSampleL2(NDArray a) {
        int[] axes = new int[a.getShape().dimension() - 1];
        for (int i = 0; i < axes.length; i++) {
            axes[i] = i + 1;
        }
        return a.square().sum(axes, true).sqrt();
    }

    /** Norm names as written in experiment files. */
    public static Norm parse(String name) {
        return switch (name) {
            case "linf", "l-inf", "Linf", "inf" -> LINF;
            case "l2", "L2" -> L2;
            default -> throw new IllegalArgumentException("unknown norm '" + name + "'; expected linf or l2");
        };
    }
}
