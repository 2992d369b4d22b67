package advbench.train;

import advbench.experiment.DefenceSpec;
import advbench.experiment.ModelSpec;

/** How long and how fast to train: epochs, mini-batch, optimizer and learning-rate schedule. */
public record TrainingPlan(int epochs, int batchSize, String optimizer, double learningRate, String schedule) {

    public static TrainingPlan of(ModelSpec m) {
        return new TrainingPlan(m.epochs(), m.batchSize(), m.optimizer(), m.learningRate(), "constant");
    }

    /** Adversarial training uses the model's optimizer with the defence's length and schedule. */
    public static TrainingPlan of(ModelSpec m, DefenceSpec d) {
        return new TrainingPlan(d.epochs(), d.batchSize(), m.optimizer(), d.learningRate(), d.schedule());
    }
}
