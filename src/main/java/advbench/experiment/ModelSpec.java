package advbench.experiment;

import advbench.SpecException;
import advbench.model.Architectures;
import advbench.train.TrainingPlan;
import java.util.List;

/**
 * The classifier and how it is trained.
 *
 * @param architecture one of {@link Architectures#names()}
 * @param optimizer adam or sgd (SGD with momentum 0.9)
 */
public record ModelSpec(String architecture, Integer epochs, Integer batchSize, String optimizer, Double learningRate) {
    public static final List<String> OPTIMIZERS = List.of("adam", "sgd");

    public ModelSpec {
        architecture = architecture == null ? "small-cnn" : architecture;
        if (!Architectures.exists(architecture)) {
            throw new SpecException("architecture", "unknown architecture '" + architecture + "'; expected one of "
                    + String.join(", ", Architectures.names()));
        }
        epochs = SpecException.between(epochs == null ? 2 : epochs, 1, SpecException.MAX_EPOCHS, "epochs");
        batchSize = SpecException.between(batchSize == null ? 64 : batchSize, 1, SpecException.MAX_BATCH, "batch_size");
        optimizer = optimizer == null ? "adam" : optimizer;
        if (!OPTIMIZERS.contains(optimizer)) {
            throw new SpecException("optimizer", "unknown optimizer '" + optimizer + "'; expected one of " + String.join(", ", OPTIMIZERS));
        }
        learningRate = learningRate == null ? 1e-3 : learningRate;
        if (!(learningRate > 0 && learningRate < 10)) {
            throw new SpecException("learning_rate", "must be a positive number below 10, got " + learningRate);
        }
    }

    /** How the baseline is trained: this section's settings at a constant learning rate. */
    public TrainingPlan plan() {
        return new TrainingPlan(epochs, batchSize, optimizer, learningRate, "constant");
    }
}
