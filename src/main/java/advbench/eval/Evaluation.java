package advbench.eval;

import advbench.data.DataShape;
import java.util.List;

/**
 * Everything measured on the test set: its shape, true labels, clean predictions, each attack's
 * sweep, how many samples had an all-zero or non-finite input gradient at the clean point, and
 * the grid samples' images as the sweep made them, and whether the model is randomised (repeated
 * forwards of the same test images differ).
 */
public record Evaluation(DataShape shape, int[] labels, int[] cleanPredicted, List<AttackOutcome> attacks, int zeroGradients,
                         int nanGradients, Examples examples, boolean randomised) {
    public Evaluation(DataShape shape, int[] labels, int[] cleanPredicted, List<AttackOutcome> attacks, int zeroGradients,
                      int nanGradients, Examples examples) {
        this(shape, labels, cleanPredicted, attacks, zeroGradients, nanGradients, examples, false);
    }
}
