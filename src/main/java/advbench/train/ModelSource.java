package advbench.train;

import java.util.Map;

/**
 * Where a model's weights come from, as a value (in the manner of DJL's Criteria): the run asks
 * the {@link ModelProvider} for a source and gets a ready classifier. To add a source (a file
 * exported from PyTorch, say), add a record here and its case to the provider.
 */
public sealed interface ModelSource permits ModelSource.Trained {

    /** How the model is named in logs, metrics and file names (baseline, or the defence method). */
    String label();

    /**
     * An architecture trained here, or its weights from the model cache when everything that
     * determines them is unchanged.
     *
     * @param description the log line that announces training
     * @param holdout training images held out, never trained on, to watch for catastrophic
     *     overfitting with PGD-10 at {@code holdoutEpsilon} after every epoch; 0 for none
     * @param cacheInputs everything that determines the weights besides the data: the cache key's inputs
     */
    record Trained(String label, String architecture, TrainingPlan plan, Objective objective, int holdout,
                   double holdoutEpsilon, long seed, String description, Map<String, Object> cacheInputs) implements ModelSource {}
}
