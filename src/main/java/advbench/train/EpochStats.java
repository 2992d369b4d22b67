package advbench.train;

/**
 * What one training epoch achieved; accuracies are fractions in [0, 1].
 *
 * @param trainAccuracy on the inputs trained on (adversarial ones under adversarial training)
 * @param holdoutRobustAccuracy PGD accuracy on the held-out slice (adversarial training only), else null
 */
public record EpochStats(int epoch, double meanLoss, double trainAccuracy, double testAccuracy,
                         Double holdoutRobustAccuracy, double seconds) {}
