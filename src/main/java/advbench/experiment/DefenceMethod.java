package advbench.experiment;

import advbench.attack.Loss;
import advbench.attack.Norm;
import advbench.attack.Pgd;
import advbench.bounds.BoundMethod;
import advbench.train.Objective;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * The robust-training methods a {@code defence} section can name, each with its defaults and
 * the training objective it builds. To add one: a constant here.
 */
enum DefenceMethod {
    /** Wong et al. 2020: one FGSM step of alpha from a uniform random start, not clipped to the box. */
    FGSM_RS("fgsm-rs", 1) {
        @Override
        Objective objective(DefenceSpec d, long seed) {
            return Objective.adversarial(new Pgd(name, Norm.LINF, 1, d.step(), 1, Pgd.Start.RANDOM_UNCLIPPED, seed, null,
                    Loss.crossEntropy()), d.epsilon());
        }

        @Override
        double defaultRelativeStep(int steps) {
            return 1.25;
        }
    },
    /** Madry et al. 2018: PGD from a random start, training on the last iterate. */
    PGD("pgd", null) {
        @Override
        Objective objective(DefenceSpec d, long seed) {
            return Objective.adversarial(new Pgd(name, Norm.LINF, d.steps(), d.step(), 1, Pgd.Start.RANDOM, seed, null,
                    Loss.crossEntropy()), d.epsilon());
        }
    },
    /** Zhang et al. 2019: CE(clean) + beta KL(clean || adversarial), the adversary ascending the KL. */
    TRADES("trades", null) {
        @Override
        Objective objective(DefenceSpec d, long seed) {
            return Objective.trades(new Pgd(name, Norm.LINF, d.steps(), d.step(), 1, Pgd.Start.SMALL_GAUSSIAN, seed, null,
                    Loss.crossEntropy()), d.epsilon(), d.beta());
        }

        @Override
        boolean takesBeta() {
            return true;
        }
    },

    /** Gowal et al. 2018: cross-entropy on IBP's lower bounds of the margins, mixed with the natural loss. */
    IBP("ibp", null) {
        @Override
        Objective objective(DefenceSpec d, long seed) {
            return Objective.verified(BoundMethod.IBP, d.verifiedSchedule());
        }

        @Override
        Kind kind() {
            return Kind.VERIFIED;
        }
    },
    /** Zhang et al. 2020: as ibp, on a mix of CROWN-IBP's bound (weight falling from 1 to final_beta) and IBP's. */
    CROWN_IBP("crown-ibp", null) {
        @Override
        Objective objective(DefenceSpec d, long seed) {
            return Objective.verified(BoundMethod.CROWN_IBP, d.verifiedSchedule());
        }

        @Override
        Kind kind() {
            return Kind.VERIFIED;
        }
    },
    /** Cohen et al. 2019: cross-entropy on images under Gaussian noise of sigma, the base classifier randomized smoothing certifies. */
    GAUSSIAN("gaussian", null) {
        @Override
        Objective objective(DefenceSpec d, long seed) {
            return Objective.noise(d.sigma());
        }

        @Override
        Kind kind() {
            return Kind.NOISE;
        }
    };

    /** What a method trains against: an attack's examples, certified bounds, or noise; each takes its own settings. */
    enum Kind { ADVERSARIAL, VERIFIED, NOISE }

    Kind kind() {
        return Kind.ADVERSARIAL;
    }

    final String name;
    /** The only step count the method allows, or null for any. */
    final Integer fixedSteps;

    DefenceMethod(String name, Integer fixedSteps) {
        this.name = name;
        this.fixedSteps = fixedSteps;
    }

    /** The training objective of a defence section that names this method. */
    abstract Objective objective(DefenceSpec d, long seed);

    /** alpha as a multiple of epsilon when the section gives no step size (Madry et al.'s 2.5 eps / steps). */
    double defaultRelativeStep(int steps) {
        return 2.5 / steps;
    }

    boolean takesBeta() {
        return false;
    }

    static Optional<DefenceMethod> byName(String name) {
        return Arrays.stream(values()).filter(m -> m.name.equals(name)).findFirst();
    }

    static List<String> names() {
        return Arrays.stream(values()).map(m -> m.name).toList();
    }
}
