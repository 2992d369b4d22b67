package advbench.attack;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;

/**
 * Projected Gradient Descent (Madry et al., 2018): start at a uniform random point of the
 * epsilon ball, then {@code x_{t+1} = Proj_{B(x,eps) and [0,1]}(x_t + alpha * u(grad))} with
 * u = sign for L-infinity and g / |g|_2 for L2; repeated from new random starts (restarts).
 */
public final class Pgd extends IterativeAttack {
    private final boolean randomStart;
    private final long seed;

    public Pgd(String name, Norm norm, int steps, StepSize stepSize, int restarts, boolean randomStart, long seed, Target target) {
        super(name, norm, steps, stepSize, restarts, target);
        this.randomStart = randomStart;
        this.seed = seed;
    }

    @Override
    protected NDArray start(NDArray x, Batch batch, double eps, int restart) {
        return randomStart ? randomStart(x, batch, eps, restart, seed) : x.duplicate();
    }

    @Override
    protected Update newUpdate(NDManager owner) {
        return norm::ascent;
    }
}
