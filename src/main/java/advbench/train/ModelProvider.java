package advbench.train;

import advbench.RunLog;
import advbench.data.Dataset;
import advbench.data.LabeledImages;
import advbench.model.Classifier;
import advbench.model.Engines;
import advbench.model.ModelCache;
import com.fasterxml.jackson.core.type.TypeReference;
import java.util.Map;
import java.util.TreeMap;

/**
 * The model stage: turns a {@link ModelSource} into a classifier ready for evaluation. A trained
 * source is looked up in the model cache under a key of everything that determines its weights
 * (the data files' MD5s and the source's inputs); found, its weights are loaded, else it is
 * trained and stored.
 */
public final class ModelProvider {
    private final ModelCache cache;
    private final boolean retrain;
    private final RunLog log;

    /** @param retrain train even when the cache holds the weights */
    public ModelProvider(ModelCache cache, boolean retrain, RunLog log) {
        this.cache = cache;
        this.retrain = retrain;
        this.log = log;
    }

    /**
     * A model and where it came from.
     *
     * @param trainSamples images it was trained on; {@code holdoutSamples} held out of them
     */
    public record Provided(String label, Classifier model, String cacheKey, TrainingRecord training, int trainSamples,
                           int holdoutSamples) implements AutoCloseable {
        @Override
        public void close() {
            model.close();
        }
    }

    /**
     * Checks that a source's model can take the data (image size, class count) without training
     * anything, so that a mismatch stops the run before it writes a file.
     */
    public static void checkFits(ModelSource source, Dataset data) {
        if (source instanceof ModelSource.Trained t) {
            Classifier.create(t.architecture(), data.shape()).close();
        }
    }

    public Provided provide(ModelSource source, Dataset data) {
        if (source instanceof ModelSource.Trained t) {
            return trained(t, data);
        }
        throw new IllegalArgumentException("no provider for " + source);
    }

    /** The source's inputs with the data's: by file name and MD5, so the same files found elsewhere give the same key. */
    static Map<String, Object> cacheInputs(ModelSource.Trained source, Dataset data) {
        Map<String, Object> inputs = new TreeMap<>(source.cacheInputs());
        inputs.put("dataset", data.name());
        inputs.put("data_md5", data.provenance().md5ByFileName());
        return inputs;
    }

    /** The model cache key of a trained source on this data. */
    public static String cacheKey(ModelSource.Trained source, Dataset data) {
        return ModelCache.key(cacheInputs(source, data));
    }

    private Provided trained(ModelSource.Trained source, Dataset data) {
        Map<String, Object> inputs = cacheInputs(source, data);
        String key = ModelCache.key(inputs);
        LabeledImages[] split = source.holdout() > 0 ? Dataset.holdOut(data.train(), source.holdout(), source.seed())
                : new LabeledImages[] {data.train(), null};
        int held = split[1] == null ? 0 : split[1].count();
        if (!retrain) {
            ModelCache.Lookup<TrainingRecord> found = cache.lookup(key, new TypeReference<TrainingRecord>() { });
            String damage = found.damage();
            if (found.found()) {
                Classifier model = Classifier.create(source.architecture(), data.shape());
                try {
                    model.load(cache.dir(key));
                    model.setTrainable(false);
                    log.info(source.label() + ": reusing trained weights from the model cache (" + cache.dir(key) + "); --retrain trains anew");
                    return new Provided(source.label(), model, key, found.record(), data.train().count() - held, held);
                } catch (RuntimeException e) {
                    model.close();
                    damage = "its weights cannot be loaded";
                }
            }
            if (damage != null) {
                log.info("warning: the model cache entry " + cache.dir(key) + " is damaged (" + damage + "); training anew");
            }
        }
        // seeded right before it is built: the initial weights are the same whatever came before
        Engines.seed(source.seed());
        Classifier model = Classifier.create(source.architecture(), data.shape());
        log.info(source.description() + (split[1] == null ? "" : " on " + split[0].count() + " images, " + split[1].count() + " held out"));
        LabeledImages holdout = split[1];
        OverfitMonitor monitor = holdout == null || holdout.count() == 0 ? null
                : new OverfitMonitor(holdout, source.holdoutEpsilon(), source.seed(), log);
        ModelTrainer trainer = new ModelTrainer(source.plan(), source.objective(), monitor, log);
        TrainingRecord record = TrainingRecord.of(trainer.train(model, split[0], data.test(), source.seed()));
        cache.store(key, inputs, model, record);
        return new Provided(source.label(), model, key, record, data.train().count() - held, held);
    }
}
