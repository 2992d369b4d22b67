package advbench.eval;

import java.util.List;

/** Everything measured on the test set: true labels, clean predictions, and each attack's sweep. */
public record Evaluation(int[] labels, int[] cleanPredicted, List<AttackOutcome> attacks) {}
