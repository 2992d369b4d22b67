package advbench.attack;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.util.List;
import java.util.SplittableRandom;

/**
 * R+FGSM (Tramer et al., 2018, "Ensemble Adversarial Training"): a random signed step of alpha
 * first, then FGSM with the rest of the budget from there,
 * {@code x' = x + alpha * sign(N(0, I))}, {@code x_adv = clip(x' + (eps - alpha) * sign(grad_x J(x')))}.
 * The random step leaves the sharp curvature a model may hide behind at the data point, which
 * plain FGSM's first gradient sees. One gradient, so a single-step attack.
 */
public final class RFgsm extends IterativeAttack {
    private final double alphaShare;
    private final long seed;

    /** @param alphaShare alpha as a share of eps (Tramer et al.: alpha = eps / 2) */
    public RFgsm(String name, double alphaShare, long seed, Target target, Loss loss) {
        super(name, Norm.LINF, 1, StepSize.relative(1 - alphaShare), 1, target, loss);
        this.alphaShare = alphaShare;
        this.seed = seed;
    }

    @Override
    public boolean iterative() {
        return false;
    }

    /** x plus alpha times a per-sample random sign (drawn from seed, sample id and draw), clipped to the box. */
    @Override
    public NDArray start(NDArray x, Batch batch, double eps) {
        int d = batch.pixelsPerImage();
        float[] signs = new float[batch.size() * d];
        for (int i = 0; i < batch.size(); i++) {
            SplittableRandom random = new SplittableRandom(SampleSeeds.of(seed, batch.sampleIds()[i], batch.drawOf(i)));
            for (int k = 0; k < d; k++) {
                signs[i * d + k] = random.nextBoolean() ? 1f : -1f;
            }
        }
        try (NDManager scope = x.getManager().newSubManager()) {
            NDArray begin = scope.create(signs, x.getShape()).mul((float) (alphaShare * eps)).add(x).clip(0f, 1f);
            begin.attach(x.getManager());
            return begin;
        }
    }

    /** {@code type: rfgsm}. Defaults as in the paper: alpha = eps / 2 ({@code alpha_share: 0.5}), cross-entropy. */
    public record Spec(String label, Double alphaShare, String loss, List<Double> epsilons, Object target) implements AttackSpec {
        static final String TYPE = "rfgsm";

        public Spec {
            alphaShare = alphaShare == null ? 0.5 : alphaShare;
            if (!(alphaShare > 0 && alphaShare < 1)) {
                throw new advbench.SpecException("alpha_share", TYPE + " alpha_share (alpha / eps) must be between 0 and 1, got " + alphaShare);
            }
            loss = ParamChecks.lossName(TYPE, loss);
            label = ParamChecks.label(label, "R+FGSM" + ParamChecks.lossSuffix(loss) + ParamChecks.targetSuffix(target));
            epsilons = ParamChecks.epsilons(epsilons, Norm.LINF, "epsilons");
            target = ParamChecks.target(TYPE, target);
        }

        @Override
        public Attack build(long seed) {
            return new RFgsm(label, alphaShare, seed, Target.of(target, seed), Loss.named(loss));
        }
    }
}
