package advbench.train;

import advbench.data.DataShape;
import advbench.model.Classifier;
import advbench.model.Classifiers;
import advbench.model.Preprocessing;
import java.nio.file.Path;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Where a model's weights come from, as a value (in the manner of DJL's Criteria): the run asks
 * the {@link ModelProvider} for a source and gets a ready classifier. A source is a starting
 * point (weights initialised for an architecture, a TorchScript file, or weights an earlier run
 * saved) and, optionally, training from there: from scratch, fine-tuning, or adversarial
 * (fine-)tuning. To add a kind of model, add a {@link Start} here: it says how it opens and
 * what the manifest records of it.
 *
 * @param label how the model is named in logs, metrics and file names (baseline, or the defence method)
 * @param preprocessing per-channel normalisation inside the model, or null
 * @param training how it is trained from the start, or null to evaluate it as it is
 * @param description the log line that announces training
 * @param cacheInputs everything that determines the trained weights besides the data: the cache key's inputs
 */
public record ModelSource(String label, Start start, Preprocessing preprocessing, Training training, String description,
                          Map<String, Object> cacheInputs) {

    /** The weights a model starts from: each kind knows how it opens and how the manifest names it. */
    public sealed interface Start permits Fresh, TorchScriptFile, SavedWeights {
        /**
         * The starting model for images of {@code shape}, with {@code preprocessing} (or null) in
         * front: freshly initialised (call {@link advbench.model.Engines#seed} first for
         * reproducible weights), or loaded and frozen. Warnings about a loaded model go to {@code warn}.
         */
        Classifier open(DataShape shape, Preprocessing preprocessing, Consumer<String> warn);

        /** The file the weights start from, for the run's manifest; null for an architecture trained from scratch. */
        default Origin origin() {
            return null;
        }
    }

    /**
     * A file a model started from, by path and content.
     *
     * @param kind "torchscript" (a file exported from PyTorch) or "run" (weights an earlier run saved)
     */
    public record Origin(String kind, String path, String sha256) {}

    /** An architecture built here, its weights initialised from the training seed. */
    public record Fresh(String architecture) implements Start {
        @Override
        public Classifier open(DataShape shape, Preprocessing preprocessing, Consumer<String> warn) {
            return Classifiers.create(architecture, shape, preprocessing);
        }
    }

    /**
     * A network exported from PyTorch as TorchScript.
     *
     * @param sha256 of the file, for the run's manifest
     */
    public record TorchScriptFile(Path file, String sha256, boolean randomised) implements Start {
        @Override
        public Classifier open(DataShape shape, Preprocessing preprocessing, Consumer<String> warn) {
            return Classifiers.torchScript(file, shape, preprocessing, randomised, warn);
        }

        @Override
        public Origin origin() {
            return new Origin("torchscript", file.toAbsolutePath().toString(), sha256);
        }
    }

    /**
     * Weights an earlier run saved for an architecture built here.
     *
     * @param dir the folder holding its {@code model-0000.params}
     * @param sha256 of the weights file, for the run's manifest
     */
    public record SavedWeights(String architecture, Path dir, String sha256) implements Start {
        @Override
        public Classifier open(DataShape shape, Preprocessing preprocessing, Consumer<String> warn) {
            Classifier c = Classifiers.create(architecture, shape, preprocessing);
            try {
                c.weights().load(dir);
                c.trainability().setAll(false);
                return c;
            } catch (RuntimeException e) {
                c.close();
                throw e;
            }
        }

        @Override
        public Origin origin() {
            return new Origin("run", dir.toAbsolutePath().toString(), sha256);
        }
    }

    /**
     * Training from the start.
     *
     * @param holdout training images held out, never trained on, to watch for catastrophic
     *     overfitting with PGD-10 at {@code holdoutEpsilon} after every epoch; 0 for none
     */
    public record Training(TrainingPlan plan, Objective objective, int holdout, double holdoutEpsilon,
                           long seed) {}
}
