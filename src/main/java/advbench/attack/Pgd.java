package advbench.attack;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;

/**
 * Projected Gradient Descent (Madry et al., 2018): start at a uniform random point of the
 * epsilon ball, then {@code x_{t+1} = Proj_{B(x,eps) and [0,1]}(x_t + alpha * u(grad))} with
 * u = sign for L-infinity and g / |g|_2 for L2; repeated from new random starts (restarts).
 */
public final class Pgd extends IterativeAttack {
    /** Where each restart begins. */
    public enum Start {
        /** At x itself. */
        CLEAN,
        /** At a uniform random point of the eps-ball, clipped to the [0, 1] box. */
        RANDOM,
        /**
         * At x plus uniform noise, not clipped to the box, as in Wong et al.'s MNIST FGSM-RS
         * training code: the first gradient is taken at a point that may lie outside [0, 1].
         * On MNIST, where most pixels are 0 or 1, clipping would zero half the noise on those
         * pixels, and that weaker noise lets fast training overfit catastrophically. Only the
         * step's result is projected onto ball and box. For training, not evaluation.
         */
        RANDOM_UNCLIPPED
    }

    private final Start start;
    private final long seed;

    public Pgd(String name, Norm norm, int steps, StepSize stepSize, int restarts, boolean randomStart, long seed, Target target) {
        this(name, norm, steps, stepSize, restarts, randomStart ? Start.RANDOM : Start.CLEAN, seed, target);
    }

    public Pgd(String name, Norm norm, int steps, StepSize stepSize, int restarts, Start start, long seed, Target target) {
        super(name, norm, steps, stepSize, restarts, target);
        this.start = start;
        this.seed = seed;
    }

    @Override
    protected NDArray start(NDArray x, Batch batch, double eps, int restart) {
        return switch (start) {
            case CLEAN -> x.duplicate();
            case RANDOM -> randomStart(x, batch, eps, restart, seed, true);
            case RANDOM_UNCLIPPED -> randomStart(x, batch, eps, restart, seed, false);
        };
    }

    @Override
    protected Update newUpdate(NDManager owner) {
        return norm::ascent;
    }
}
