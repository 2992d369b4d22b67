package advbench.train;

import advbench.RunLog;
import advbench.data.DataShape;
import advbench.data.Dataset;
import advbench.data.LabeledImages;
import advbench.model.Classifier;
import advbench.model.Classifiers;
import advbench.model.Engines;
import advbench.model.ModelCache;
import com.fasterxml.jackson.core.type.TypeReference;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Consumer;

/**
 * The model stage: turns a {@link ModelSource} into a ready classifier. A source without training
 * is opened as it is; a trained one comes from the model cache when everything that determines
 * its weights is unchanged, and is otherwise trained from its start and stored there.
 */
public final class ModelProvider {
    private final ModelCache cache;
    private final boolean retrain;
    private final RunLog log;

    /** @param retrain train even when the cache holds the weights (and overwrite them) */
    public ModelProvider(ModelCache cache, boolean retrain, RunLog log) {
        this.cache = cache;
        this.retrain = retrain;
        this.log = log;
    }

    /**
     * A classifier ready for evaluation, with how it came about.
     *
     * @param cacheKey the model cache key of trained weights, or null for a model evaluated as loaded
     * @param trainSamples images it was trained on here (0 if it was not)
     */
    public record Provided(String label, Classifier model, String cacheKey, TrainingRecord training, int trainSamples,
                           int holdoutSamples) implements AutoCloseable {
        @Override
        public void close() {
            model.close();
        }

        /** The same provided model evaluated as {@code view} (behind an input transformation); closing it leaves the model open. */
        public Provided evaluatedAs(Classifier view) {
            return new Provided(label, view, cacheKey, training, trainSamples, holdoutSamples);
        }
    }

    /**
     * Checks that a source's model can take the data (image size, class count) without training
     * anything, so that a mismatch stops the run before it writes a file.
     */
    public static void checkFits(ModelSource source, Dataset data) {
        open(source, data.shape(), warning -> { }).close();
    }

    /**
     * The source's starting model: freshly initialised (call {@link Engines#seed} first for
     * reproducible weights), or loaded. Warnings about a loaded model go to {@code warn}.
     */
    public static Classifier open(ModelSource source, DataShape shape, Consumer<String> warn) {
        return source.start().open(shape, source.preprocessing(), warn);
    }

    public Provided provide(ModelSource source, Dataset data) {
        if (source.training() == null) {
            Classifier model = open(source, data.shape(), log::info);
            log.info(source.label() + ": " + source.description());
            return new Provided(source.label(), model, null, TrainingRecord.NONE, 0, 0);
        }
        return trained(source, data);
    }

    /** The source's inputs with the data's: by file name and MD5, so the same files found elsewhere give the same key. */
    static Map<String, Object> cacheInputs(ModelSource source, Dataset data) {
        Map<String, Object> inputs = new TreeMap<>(source.cacheInputs());
        inputs.put("dataset", data.name());
        inputs.put("data_md5", data.provenance().md5ByFileName());
        return inputs;
    }

    /** The model cache key of a trained source on this data. */
    public static String cacheKey(ModelSource source, Dataset data) {
        return ModelCache.key(cacheInputs(source, data));
    }

    private Provided trained(ModelSource source, Dataset data) {
        ModelSource.Training training = source.training();
        Map<String, Object> inputs = cacheInputs(source, data);
        String key = ModelCache.key(inputs);
        LabeledImages[] split = training.holdout() > 0 ? Dataset.holdOut(data.train(), training.holdout(), training.seed())
                : new LabeledImages[] {data.train(), null};
        int held = split[1] == null ? 0 : split[1].count();
        if (!retrain) {
            ModelCache.Lookup<TrainingRecord> found = cache.lookup(key, new TypeReference<TrainingRecord>() { });
            String damage = found.damage();
            if (found.found()) {
                Classifier model = open(source, data.shape(), warning -> { });
                try {
                    model.weights().load(cache.dir(key));
                    model.trainability().setAll(false);
                    log.info(source.label() + ": reusing trained weights from the model cache (" + cache.dir(key) + "); --retrain trains anew");
                    return new Provided(source.label(), model, key, found.record(), data.train().count() - held, held);
                } catch (RuntimeException e) {
                    model.close();
                    damage = "its weights cannot be loaded";
                }
            }
            if (damage != null) {
                log.info("warning: the model cache entry " + cache.dir(key) + " is damaged (" + damage + "); training anew, to replace it");
                cache.discard(key);
            }
        }
        // seeded right before it is built: the initial weights are the same whatever came before
        Engines.seed(training.seed());
        Classifier model = open(source, data.shape(), log::info);
        log.info(source.description() + (split[1] == null ? "" : " on " + split[0].count() + " images, " + split[1].count() + " held out"));
        LabeledImages holdout = split[1];
        OverfitMonitor monitor = holdout == null || holdout.count() == 0 ? null
                : new OverfitMonitor(holdout, training.holdoutEpsilon(), training.seed(), log);
        ModelTrainer trainer = new ModelTrainer(training.plan(), training.objective(), monitor, log);
        TrainingRecord record = TrainingRecord.of(trainer.train(model, split[0], data.test(), training.seed()));
        cache.store(key, inputs, model, record);
        return new Provided(source.label(), model, key, record, data.train().count() - held, held);
    }
}
