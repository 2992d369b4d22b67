package advbench.attack;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;

/**
 * Basic Iterative Method / I-FGSM (Kurakin, Goodfellow and Bengio, 2017): FGSM repeated with a
 * small step, projected back onto the epsilon ball and [0, 1] after every step:
 * {@code x_{t+1} = clip_{x,eps}(x_t + alpha * sign(grad_x J(theta, x_t, y)))}, from x_0 = x.
 */
public final class Bim extends IterativeAttack {

    public Bim(String name, int steps, StepSize stepSize, Target target) {
        super(name, Norm.LINF, steps, stepSize, 1, target);
    }

    @Override
    protected Update newUpdate(NDManager owner) {
        return Norm.LINF::ascent;
    }
}
