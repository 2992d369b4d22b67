package advbench.attack;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;

/**
 * Momentum Iterative FGSM (Dong et al., 2018): accumulate a velocity of L1-normalised gradients,
 * {@code g_{t+1} = mu * g_t + grad / |grad|_1}, and step along its sign,
 * {@code x_{t+1} = clip_{x,eps}(x_t + alpha * sign(g_{t+1}))}.
 */
public final class MiFgsm extends IterativeAttack {
    private final double decay;

    public MiFgsm(String name, int steps, StepSize stepSize, double decay, Target target) {
        super(name, Norm.LINF, steps, stepSize, 1, target);
        if (!(decay >= 0)) {
            throw new IllegalArgumentException(name + ": decay must be >= 0, got " + decay);
        }
        this.decay = decay;
    }

    @Override
    protected Update newUpdate(NDManager owner) {
        return new Update() {
            private NDArray velocity;

            @Override
            public NDArray direction(NDArray gradient) {
                NDManager scope = gradient.getManager();
                NDArray l1 = gradient.abs().sum(new int[] {1, 2, 3}, true).add(1e-12f);
                NDArray normalized = gradient.div(l1);
                if (velocity != null) {
                    velocity.attach(scope); // the old velocity dies with this step's scope
                }
                NDArray next = velocity == null ? normalized : velocity.mul((float) decay).add(normalized);
                NDArray step = next.sign();
                next.attach(owner);
                velocity = next;
                return step;
            }

            @Override
            public void keep(NDArray rows) {
                if (velocity != null) {
                    NDArray kept = velocity.get(rows);
                    kept.attach(owner);
                    velocity.close();
                    velocity = kept;
                }
            }

            @Override
            public void close() {
                if (velocity != null) {
                    velocity.close();
                }
            }
        };
    }
}
