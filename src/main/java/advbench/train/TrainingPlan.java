package advbench.train;

/**
 * How long and how fast to train: epochs, mini-batch, optimizer (adam, or sgd with momentum 0.9)
 * and learning-rate schedule (constant, or one-cycle up to {@code learningRate} and back down).
 *
 * @param lastLayerOnly train only the last layer, the others frozen (fine-tuning a feature extractor)
 * @param augmentation random changes to each training image, or {@link Augmentation#NONE}
 */
public record TrainingPlan(int epochs, int batchSize, String optimizer, double learningRate, String schedule, boolean lastLayerOnly,
                           Augmentation augmentation) {

    /** All layers, no augmentation. */
    public TrainingPlan(int epochs, int batchSize, String optimizer, double learningRate, String schedule) {
        this(epochs, batchSize, optimizer, learningRate, schedule, false, Augmentation.NONE);
    }
}
