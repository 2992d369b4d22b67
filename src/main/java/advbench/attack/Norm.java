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
    },
    /**
     * L1, for minimum-norm attacks (FMN): other attacks reject it when their parameters are read,
     * since an L1 ball needs sparse steps that they do not take.
     */
    L1("L1") {
        /** Steepest ascent in L1: the whole unit step on each sample's largest gradient component. */
        @Override
        public NDArray ascent(NDArray gradient) {
            int n = (int) gradient.getShape().get(0);
            int d = (int) (gradient.size() / n);
            float[] g = gradient.toFloatArray();
            float[] step = new float[g.length];
            for (int i = 0; i < n; i++) {
                int top = i * d;
                for (int k = i * d; k < (i + 1) * d; k++) {
                    top = Math.abs(g[k]) > Math.abs(g[top]) ? k : top;
                }
                step[top] = Math.signum(g[top]);
            }
            return gradient.getManager().create(step, gradient.getShape());
        }

        @Override
        public NDArray project(NDArray xAdv, NDArray x, double eps) {
            int n = (int) x.getShape().get(0);
            int d = (int) (x.size() / n);
            float[] delta = xAdv.sub(x).toFloatArray();
            double[] row = new double[d];
            for (int i = 0; i < n; i++) {
                for (int k = 0; k < d; k++) {
                    row[k] = delta[i * d + k];
                }
                projectL1(row, eps);
                for (int k = 0; k < d; k++) {
                    delta[i * d + k] = (float) row[k];
                }
            }
            return xAdv.getManager().create(delta, x.getShape()).add(x).clip(0f, 1f);
        }

        /** Uniform in the unit L1 ball: Laplace components scaled to norm 1, radius u^(1/d). */
        @Override
        void fillUnitBall(float[] out, int offset, int size, SplittableRandom random) {
            double sum = 0;
            for (int i = 0; i < size; i++) {
                double e = -Math.log(1 - random.nextDouble());
                out[offset + i] = (float) (random.nextBoolean() ? e : -e);
                sum += e;
            }
            double scale = Math.pow(random.nextDouble(), 1.0 / size) / sum;
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

    /**
     * Euclidean projection of a vector onto the L1 ball of radius eps, in place (Duchi et al.,
     * 2008: soft-threshold at the theta that brings the norm down to eps); a vector already inside
     * is left as it is.
     */
    static void projectL1(double[] v, double eps) {
        double norm = 0;
        for (double a : v) {
            norm += Math.abs(a);
        }
        if (norm <= eps) {
            return;
        }
        double[] mu = new double[v.length];
        for (int k = 0; k < v.length; k++) {
            mu[k] = Math.abs(v[k]);
        }
        java.util.Arrays.sort(mu); // increasing: the j-th largest is mu[length - 1 - j]
        double cumsum = 0;
        double theta = 0;
        for (int j = 0; j < v.length; j++) {
            double m = mu[v.length - 1 - j];
            cumsum += m;
            double t = (cumsum - eps) / (j + 1);
            if (m > t) { // still above the threshold: the last such coordinate sets it
                theta = t;
            }
        }
        for (int k = 0; k < v.length; k++) {
            v[k] = Math.copySign(Math.max(Math.abs(v[k]) - theta, 0), v[k]);
        }
    }

    /** The size of a vector in this norm. */
    public double size(double[] v) {
        double s = 0;
        for (double a : v) {
            s = accumulate(s, Math.abs(a));
        }
        return this == L2 ? Math.sqrt(s) : s;
    }

    /** The distance of {@code d} values at {@code offset} of a from those of b in this norm. */
    public double distance(float[] a, float[] b, int offset, int d) {
        double s = 0;
        for (int k = offset; k < offset + d; k++) {
            s = accumulate(s, Math.abs((double) a[k] - b[k]));
        }
        return this == L2 ? Math.sqrt(s) : s;
    }

    private double accumulate(double s, double magnitude) {
        return switch (this) {
            case LINF -> Math.max(s, magnitude);
            case L2 -> s + magnitude * magnitude;
            case L1 -> s + magnitude;
        };
    }

    /** The dual norm (1/p + 1/q = 1), in which a gradient measures distance to a linearised boundary. */
    public Norm dual() {
        return switch (this) {
            case LINF -> L1;
            case L2 -> L2;
            case L1 -> LINF;
        };
    }

    /** Norm names as written in experiment files. */
    public static Norm parse(String name) {
        return switch (name) {
            case "linf", "l-inf", "Linf", "inf" -> LINF;
            case "l2", "L2" -> L2;
            case "l1", "L1" -> L1;
            default -> throw new IllegalArgumentException("unknown norm '" + name + "'; expected linf, l2 or l1");
        };
    }
}
