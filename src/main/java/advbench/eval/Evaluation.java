package advbench.eval;

import java.util.List;

/**
 * Everything measured on the test set: true labels, clean predictions, each attack's sweep, and
 * how many samples had an all-zero or non-finite input gradient at the clean point.
 */
public record Evaluation(int[] labels, int[] cleanPredicted, List<AttackOutcome> attacks, int zeroGradients, int nanGradients) {}
