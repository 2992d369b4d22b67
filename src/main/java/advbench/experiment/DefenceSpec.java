package advbench.experiment;

import advbench.SpecException;
import advbench.attack.ParamChecks;
import advbench.attack.StepSize;
import advbench.train.Objective;
import advbench.train.TrainingPlan;
import java.util.List;

/**
 * Adversarial training of the experiment's model, from where its model section starts: from
 * scratch for an architecture, adversarial fine-tuning for a loaded model. It is compared with
 * the baseline under the same attacks.
 *
 * @param method fgsm-rs (Wong et al. 2020: one FGSM step of alpha from a uniform random start),
 *     pgd (Madry et al. 2018: PGD with random start, train on the last iterate) or trades (Zhang
 *     et al. 2019: cross-entropy + beta * KL(clean || adversarial), the example maximising the KL)
 * @param epsilon the L-infinity training budget
 * @param steps PGD / TRADES steps (fgsm-rs is one step)
 * @param schedule constant or one-cycle (linear 0 -> learning_rate at 2/5 of training -> 0)
 * @param holdout training images kept out of training to watch for catastrophic overfitting
 */
public record DefenceSpec(String method, Double epsilon, Double stepSize, Double relStepSize, Integer steps, Double beta,
                          Integer epochs, Integer batchSize, Double learningRate, String schedule, Integer holdout) {
    public static final List<String> SCHEDULES = List.of("constant", "one-cycle");

    public DefenceSpec {
        SpecException.require(method, "method");
        String name = method;
        DefenceMethod m = DefenceMethod.byName(method).orElseThrow(() -> new SpecException("method",
                "unknown defence '" + name + "'; expected one of " + String.join(", ", DefenceMethod.names())));
        epsilon = SpecException.require(epsilon, "epsilon");
        if (!(epsilon > 0 && epsilon <= 1)) {
            throw new SpecException("epsilon", "must be in (0, 1] (L-inf, pixel scale), got " + epsilon);
        }
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
        if (beta != null && !m.takesBeta()) {
            throw new SpecException("beta", "only trades takes beta");
        }
        if (m.takesBeta()) {
            beta = beta == null ? 6.0 : beta;
            if (!(beta >= 0 && Double.isFinite(beta))) {
                throw new SpecException("beta", "must be >= 0, got " + beta);
            }
        }
        epochs = SpecException.between(epochs == null ? 10 : epochs, 1, SpecException.MAX_EPOCHS, "epochs");
        batchSize = SpecException.between(batchSize == null ? 100 : batchSize, 1, SpecException.MAX_BATCH, "batch_size");
        learningRate = learningRate == null ? 5e-3 : learningRate;
        if (!(learningRate > 0 && learningRate < 10)) {
            throw new SpecException("learning_rate", "must be a positive number below 10, got " + learningRate);
        }
        schedule = schedule == null ? "one-cycle" : schedule;
        if (!SCHEDULES.contains(schedule)) {
            throw new SpecException("schedule", "unknown schedule '" + schedule + "'; expected one of " + String.join(", ", SCHEDULES));
        }
        holdout = SpecException.atLeast(holdout == null ? 500 : holdout, 0, "holdout");
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
