package advbench.attack;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Projected Gradient Descent (Madry et al., 2018): start at a uniform random point of the
 * epsilon ball, then {@code x_{t+1} = Proj_{B(x,eps) and [0,1]}(x_t + alpha * u(grad))} with
 * u = sign for L-infinity and g / |g|_2 for L2; repeated from new random starts (restarts).
 */
public final class Pgd extends IterativeAttack {
    /** Where each run begins. */
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
        RANDOM_UNCLIPPED,
        /**
         * At x plus Gaussian noise of standard deviation 0.001, projected onto ball and box: how
         * TRADES's code starts its adversary. For training.
         */
        SMALL_GAUSSIAN
    }

    private final Start start;
    private final long seed;

    public Pgd(String name, Norm norm, int steps, StepSize stepSize, int restarts, Start start, long seed, Target target, Loss loss) {
        super(name, norm, steps, stepSize, restarts, target, loss);
        this.start = start;
        this.seed = seed;
    }

    /** Cross-entropy PGD from a random start, as Madry et al. evaluate. */
    public Pgd(String name, Norm norm, int steps, StepSize stepSize, int restarts, long seed, Target target) {
        this(name, norm, steps, stepSize, restarts, Start.RANDOM, seed, target, Loss.crossEntropy());
    }

    @Override
    public NDArray start(NDArray x, Batch batch, double eps) {
        return switch (start) {
            case CLEAN -> x.duplicate();
            case RANDOM -> noisy(x, batch, eps, true);
            case RANDOM_UNCLIPPED -> noisy(x, batch, eps, false);
            case SMALL_GAUSSIAN -> gaussian(x, batch, eps);
        };
    }

    /**
     * A per-sample uniform point of the eps-ball around x, drawn from (seed, sample id, draw),
     * clipped to the [0, 1] box unless {@code clipToBox} is false.
     */
    private NDArray noisy(NDArray x, Batch batch, double eps, boolean clipToBox) {
        int d = batch.pixelsPerImage();
        float[] noise = new float[batch.size() * d];
        for (int i = 0; i < batch.size(); i++) {
            norm.fillUnitBall(noise, i * d, d, stream(batch, i));
        }
        try (NDManager scope = x.getManager().newSubManager()) {
            NDArray noisy = scope.create(noise, x.getShape()).mul((float) eps).add(x);
            NDArray begin = clipToBox ? norm.project(noisy, x, eps) : noisy;
            begin.attach(x.getManager());
            return begin;
        }
    }

    private NDArray gaussian(NDArray x, Batch batch, double eps) {
        int d = batch.pixelsPerImage();
        float[] noise = new float[batch.size() * d];
        for (int i = 0; i < batch.size(); i++) {
            SplittableRandom r = stream(batch, i);
            for (int k = 0; k < d; k++) {
                noise[i * d + k] = (float) (0.001 * r.nextGaussian());
            }
        }
        try (NDManager scope = x.getManager().newSubManager()) {
            NDArray begin = norm.project(scope.create(noise, x.getShape()).add(x), x, eps);
            begin.attach(x.getManager());
            return begin;
        }
    }

    private SplittableRandom stream(Batch batch, int i) {
        return new SplittableRandom(SampleSeeds.of(seed, batch.sampleIds()[i], batch.drawOf(i)));
    }

    /**
     * {@code type: pgd}. Defaults: L-inf, 40 steps of alpha = 2.5 * eps / steps from a uniform
     * random start, one restart, cross-entropy.
     */
    public record Spec(String label, String norm, Integer steps, Double stepSize, Double relStepSize, Integer restarts,
                       Boolean randomStart, String loss, List<Double> epsilons, Object target) implements AttackSpec {
        static final String TYPE = "pgd";

        public Spec {
            Norm n = ParamChecks.norm(TYPE, norm);
            norm = n == Norm.L2 ? "l2" : "linf";
            steps = ParamChecks.steps(TYPE, steps, 40);
            ParamChecks.stepSize(TYPE, stepSize, relStepSize);
            restarts = ParamChecks.restarts(TYPE, restarts);
            randomStart = randomStart == null || randomStart;
            loss = ParamChecks.lossName(TYPE, loss);
            label = ParamChecks.label(label, "PGD" + (n == Norm.L2 ? "-L2-" : "-") + steps
                    + (restarts > 1 ? "x" + restarts : "") + ParamChecks.lossSuffix(loss) + ParamChecks.targetSuffix(target));
            epsilons = ParamChecks.epsilons(epsilons, n, "epsilons");
            target = ParamChecks.target(TYPE, target);
        }

        @Override
        public Norm epsilonNorm() {
            return Norm.parse(norm);
        }

        @Override
        public AttackSpec twiceTheSteps() {
            return new Spec(label, norm, AttackSpec.twice(steps, advbench.SpecException.MAX_STEPS), stepSize,
                    ParamChecks.pinnedRelative(stepSize, relStepSize, 2.5 / steps), restarts, randomStart, loss, epsilons, target);
        }

        @Override
        public Attack build(long seed) {
            return new Pgd(label, epsilonNorm(), steps, StepSize.of(stepSize, relStepSize, 2.5 / steps), restarts,
                    randomStart ? Start.RANDOM : Start.CLEAN, seed, Target.of(target, seed), Loss.named(loss));
        }
    }
}
