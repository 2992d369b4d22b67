package advbench.train;

/**
 * How long and how fast to train: epochs, mini-batch, optimizer (adam, or sgd with momentum 0.9)
 * and learning-rate schedule (constant, or one-cycle up to {@code learningRate} and back down).
 */
public record TrainingPlan(int epochs, int batchSize, String optimizer, double learningRate, String schedule) {}
