package advbench.experiment;

import advbench.SpecException;
import advbench.attack.ParamChecks;
import advbench.attack.StepSize;
import advbench.train.Objective;
import advbench.train.TrainingPlan;
import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;

/**
 * Robust training of the experiment's model, from where its model section starts: from scratch
 * for an architecture, fine-tuning for a loaded model. It is compared with the baseline under the
 * same attacks (and certificates).
 *
 * @param method fgsm-rs (Wong et al. 2020: one FGSM step of alpha from a uniform random start),
 *     pgd (Madry et al. 2018: PGD with random start, train on the last iterate), trades (Zhang et
 *     al. 2019: cross-entropy + beta * KL(clean || adversarial), the example maximising the KL),
 *     ibp (Gowal et al. 2018: cross-entropy on IBP's certified margins), crown-ibp (Zhang et al.
 *     2020: on a mix of CROWN-IBP's and IBP's) or gaussian (Cohen et al. 2019: Gaussian noise of
 *     sigma on every training image, for randomized smoothing)
 * @param epsilon the L-infinity training budget (not gaussian's)
 * @param steps PGD / TRADES steps (fgsm-rs is one step)
 * @param schedule constant or one-cycle (linear 0 -> learning_rate at 2/5 of training -> 0)
 * @param holdout training images kept out of training to watch for catastrophic overfitting
 *     (500 for the adversarial methods; 0, none, for ibp, crown-ibp and gaussian)
 * @param sigma gaussian: the noise's standard deviation, in pixels of [0, 1]
 * @param warmup ibp, crown-ibp: epochs of natural training before epsilon grows (1)
 * @param ramp ibp, crown-ibp: epochs over which epsilon grows linearly, batch by batch, from 0 to its
 *     value (three fifths of the epochs after the warm-up, as CROWN-IBP's MNIST schedule)
 * @param kappa ibp, crown-ibp: the natural loss's final weight; it falls from 1 as epsilon grows (0.5)
 * @param finalBeta crown-ibp: CROWN-IBP's final weight in the bound, which falls from 1 as epsilon
 *     grows, IBP's taking the rest (0)
 */
public record DefenceSpec(String method, Double epsilon, Double stepSize, Double relStepSize, Integer steps, Double beta,
                          Integer epochs, Integer batchSize, Double learningRate, String schedule, Integer holdout,
                          @JsonInclude(JsonInclude.Include.NON_NULL) Double sigma,
                          @JsonInclude(JsonInclude.Include.NON_NULL) Integer warmup,
                          @JsonInclude(JsonInclude.Include.NON_NULL) Integer ramp,
                          @JsonInclude(JsonInclude.Include.NON_NULL) Double kappa,
                          @JsonInclude(JsonInclude.Include.NON_NULL) Double finalBeta) {
    public static final List<String> SCHEDULES = List.of("constant", "one-cycle");

    /** The adversarial methods' form, as earlier code and tests build it. */
    public DefenceSpec(String method, Double epsilon, Double stepSize, Double relStepSize, Integer steps, Double beta, Integer epochs,
                       Integer batchSize, Double learningRate, String schedule, Integer holdout) {
        this(method, epsilon, stepSize, relStepSize, steps, beta, epochs, batchSize, learningRate, schedule, holdout, null, null, null,
                null, null);
    }

    public DefenceSpec {
        SpecException.require(method, "method");
        String name = method;
        DefenceMethod m = DefenceMethod.byName(method).orElseThrow(() -> new SpecException("method",
                "unknown defence '" + name + "'; expected one of " + String.join(", ", DefenceMethod.names())));
        epochs = SpecException.between(epochs == null ? 10 : epochs, 1, SpecException.MAX_EPOCHS, "epochs");
        DefenceMethod.Kind kind = m.kind();
        refuseUnless(kind == DefenceMethod.Kind.ADVERSARIAL, method, "steps", steps, "step_size", stepSize, "rel_step_size", relStepSize);
        refuseUnless(kind == DefenceMethod.Kind.NOISE, method, "sigma", sigma);
        refuseUnless(kind == DefenceMethod.Kind.VERIFIED, method, "warmup", warmup, "ramp", ramp, "kappa", kappa);
        if (finalBeta != null && m != DefenceMethod.CROWN_IBP) {
            throw new SpecException("final_beta", "only crown-ibp mixes CROWN-IBP's bound with IBP's");
        }
        if (kind == DefenceMethod.Kind.NOISE) {
            if (epsilon != null) {
                throw new SpecException("epsilon", method + " trains on Gaussian noise of sigma, not within a budget; give sigma instead");
            }
            sigma = SpecException.require(sigma, "sigma");
            if (!(sigma > 0 && sigma <= 100)) {
                throw new SpecException("sigma", "the noise's standard deviation must be positive (and at most 100), got " + sigma);
            }
        } else {
            epsilon = SpecException.require(epsilon, "epsilon");
            if (!(epsilon > 0 && epsilon <= 1)) {
                throw new SpecException("epsilon", "must be in (0, 1] (L-inf, pixel scale), got " + epsilon);
            }
        }
        if (kind == DefenceMethod.Kind.ADVERSARIAL) {
            if (m.fixedSteps != null) {
                if (steps != null && !steps.equals(m.fixedSteps)) {
                    throw new SpecException("steps", method + " takes " + m.fixedSteps + " step; use method pgd for more");
                }
                steps = m.fixedSteps;
            }
            steps = ParamChecks.steps(method, steps, 10);
            double defaultRel = m.defaultRelativeStep(steps);
            ParamChecks.stepSize(method, stepSize, relStepSize);
            if (relStepSize == null && stepSize == null) {
                relStepSize = defaultRel;
            }
        }
        if (beta != null && !m.takesBeta()) {
            throw new SpecException("beta", "only trades takes beta");
        }
        if (m.takesBeta()) {
            beta = beta == null ? 6.0 : beta;
            if (!(beta >= 0 && Double.isFinite(beta))) {
                throw new SpecException("beta", "must be >= 0, got " + beta);
            }
        }
        if (kind == DefenceMethod.Kind.VERIFIED) {
            warmup = SpecException.between(warmup == null ? Math.min(1, epochs - 1) : warmup, 0, epochs - 1, "warmup");
            ramp = SpecException.between(ramp == null ? Math.max(1, (int) Math.round(0.6 * (epochs - warmup))) : ramp, 1, epochs - warmup,
                    "ramp");
            kappa = kappa == null ? 0.5 : kappa;
            if (!(kappa >= 0 && kappa <= 1)) {
                throw new SpecException("kappa", "the natural loss's final weight must be in [0, 1], got " + kappa);
            }
            if (m == DefenceMethod.CROWN_IBP) {
                finalBeta = finalBeta == null ? 0.0 : finalBeta;
                if (!(finalBeta >= 0 && finalBeta <= 1)) {
                    throw new SpecException("final_beta", "CROWN-IBP's final weight must be in [0, 1], got " + finalBeta);
                }
            }
        }
        batchSize = SpecException.between(batchSize == null ? 100 : batchSize, 1, SpecException.MAX_BATCH, "batch_size");
        learningRate = learningRate == null ? 5e-3 : learningRate;
        if (!(learningRate > 0 && learningRate < 10)) {
            throw new SpecException("learning_rate", "must be a positive number below 10, got " + learningRate);
        }
        schedule = schedule == null ? "one-cycle" : schedule;
        if (!SCHEDULES.contains(schedule)) {
            throw new SpecException("schedule", "unknown schedule '" + schedule + "'; expected one of " + String.join(", ", SCHEDULES));
        }
        holdout = SpecException.atLeast(holdout == null ? (kind == DefenceMethod.Kind.ADVERSARIAL ? 500 : 0) : holdout, 0, "holdout");
        if (kind == DefenceMethod.Kind.NOISE && holdout > 0) {
            throw new SpecException("holdout", method + " has no budget to watch held-out robustness at; leave holdout out");
        }
    }

    /** Refuses each (name, value) pair given unless the method takes it. */
    private static void refuseUnless(boolean takes, String method, Object... namesAndValues) {
        for (int i = 0; i < namesAndValues.length; i += 2) {
            if (!takes && namesAndValues[i + 1] != null) {
                throw new SpecException((String) namesAndValues[i], "is not a setting of " + method);
            }
        }
    }

    /** How the log names this training ({@code fineTuning}: of a loaded model). */
    public String describe(boolean fineTuning) {
        String what = fineTuning ? "fine-tuning" : "training";
        return switch (DefenceMethod.byName(method).orElseThrow().kind()) {
            case ADVERSARIAL -> String.format("adversarial %s (%s, eps %s, %d steps, %s)", what, method, epsilon, steps, step());
            case VERIFIED -> String.format("verified %s (%s, eps %s after %d warm-up epochs and a ramp of %d, kappa to %s%s)", what, method,
                    epsilon, warmup, ramp, kappa, finalBeta == null ? "" : ", CROWN-IBP's weight to " + finalBeta);
            case NOISE -> String.format("%s under Gaussian noise (sigma %s)", what, sigma);
        };
    }

    /** Whether this trains on certified bounds (ibp, crown-ibp), which need the network's layers. */
    public boolean certifiedTraining() {
        return DefenceMethod.byName(method).orElseThrow().kind() == DefenceMethod.Kind.VERIFIED;
    }

    /** The schedule of ibp and crown-ibp. */
    public advbench.train.VerifiedSchedule verifiedSchedule() {
        return new advbench.train.VerifiedSchedule(epsilon, warmup, ramp, kappa, finalBeta == null ? 0 : finalBeta);
    }

    /** The inner attack's step: step_size, else rel_step_size (filled with the method's default when read). */
    public StepSize step() {
        return stepSize != null ? StepSize.absolute(stepSize) : StepSize.relative(relStepSize);
    }

    /**
     * The defended model's training: the model section's optimizer, trainable layers and
     * augmentation with this section's length and schedule.
     */
    public TrainingPlan plan(ModelSpec model) {
        return new TrainingPlan(epochs, batchSize, model.optimizer(), learningRate, schedule, model.lastLayerOnly(),
                model.augmentationOrNone());
    }

    /** What a training step of this defence minimises; {@code seed} draws its random starts. */
    public Objective objective(long seed) {
        return DefenceMethod.byName(method).orElseThrow().objective(this, seed);
    }
}
