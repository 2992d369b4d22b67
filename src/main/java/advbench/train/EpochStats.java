package advbench.train;

/** What one training epoch achieved; accuracies are fractions in [0, 1]. */
public record EpochStats(int epoch, double meanLoss, double trainAccuracy, double testAccuracy, double seconds) {}
