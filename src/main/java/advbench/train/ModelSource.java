package advbench.train;

import advbench.model.Preprocessing;
import java.nio.file.Path;
import java.util.Map;

/**
 * Where a model's weights come from, as a value (in the manner of DJL's Criteria): the run asks
 * the {@link ModelProvider} for a source and gets a ready classifier. A source is a starting
 * point (weights initialised for an architecture, a TorchScript file, or weights an earlier run
 * saved) and, optionally, training from there: from scratch, fine-tuning, or adversarial
 * (fine-)tuning. To add a kind of model, add a {@link Start} here and its case to
 * {@link ModelProvider#open}.
 *
 * @param label how the model is named in logs, metrics and file names (baseline, or the defence method)
 * @param preprocessing per-channel normalisation inside the model, or null
 * @param training how it is trained from the start, or null to evaluate it as it is
 * @param description the log line that announces training
 * @param cacheInputs everything that determines the trained weights besides the data: the cache key's inputs
 */
public record ModelSource(String label, Start start, Preprocessing preprocessing, Training training, String description,
                          Map<String, Object> cacheInputs) {

    /** The weights a model starts from. */
    public sealed interface Start permits Fresh, TorchScriptFile, SavedWeights {}

    /** An architecture built here, its weights initialised from the training seed. */
    public record Fresh(String architecture) implements Start {}

    /**
     * A network exported from PyTorch as TorchScript.
     *
     * @param sha256 of the file, for the run's manifest
     */
    public record TorchScriptFile(Path file, String sha256, boolean randomised) implements Start {}

    /**
     * Weights an earlier run saved for an architecture built here.
     *
     * @param dir the folder holding its {@code model-0000.params}
     * @param sha256 of the weights file, for the run's manifest
     */
    public record SavedWeights(String architecture, Path dir, String sha256) implements Start {}

    /**
     * Training from the start.
     *
     * @param holdout training images held out, never trained on, to watch for catastrophic
     *     overfitting with PGD-10 at {@code holdoutEpsilon} after every epoch; 0 for none
     */
    public record Training(TrainingPlan plan, Objective objective, int holdout, double holdoutEpsilon,
                           long seed) {}
}
