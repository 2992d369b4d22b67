package advbench.experiment;

import advbench.SpecException;
import advbench.UserError;
import advbench.model.Classifier;
import advbench.model.Classifiers;
import advbench.model.Preprocessing;
import advbench.report.ModelRun;
import advbench.report.RunRecorder;
import advbench.report.SavedModel;
import advbench.train.ModelSource;
import advbench.train.Objective;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The models an experiment evaluates, as {@link ModelSource} values: the baseline of its model
 * section (trained here, loaded, or loaded and fine-tuned), and the adversarially trained model of
 * its defence section, if any, which starts where the baseline starts.
 */
public final class ModelSources {
    private ModelSources() {}

    /** The baseline model a finished run saved, to be opened as it is ({@code bench benchmark} times it). */
    public static ModelSource savedBaseline(Path runDir) {
        Start start = fromRun(runDir.normalize(), runDir.toString(), false);
        return new ModelSource(ModelRun.BASELINE, start.start(), start.preprocessing(), null, "evaluating " + start.what(), Map.of());
    }

    /** @param baseDir the experiment file's folder, against which model.file and model.run are resolved */
    static List<ModelSource> of(ExperimentSpec spec, Path baseDir) {
        ModelSpec m = spec.model();
        Start start = start(m, baseDir);
        Map<String, Object> inputs = cacheInputs(spec, start);
        List<ModelSource> sources = new ArrayList<>();
        if (!m.loaded()) {
            sources.add(new ModelSource(ModelRun.BASELINE, start.start(), start.preprocessing(),
                    new ModelSource.Training(m.plan(), Objective.standard(), 0, 0, spec.seed()),
                    "training " + m.architecture() + " for " + m.epochs() + " epochs", inputs));
        } else if (m.epochs() == 0) {
            sources.add(new ModelSource(ModelRun.BASELINE, start.start(), start.preprocessing(), null, "evaluating " + start.what()
                    + " as loaded", inputs));
        } else {
            sources.add(new ModelSource(ModelRun.BASELINE, start.start(), start.preprocessing(),
                    new ModelSource.Training(m.plan(), Objective.standard(), 0, 0, spec.seed()),
                    "fine-tuning " + start.what() + (m.lastLayerOnly() ? " (last layer)" : "") + " for " + m.epochs() + " epochs", inputs));
        }
        DefenceSpec d = spec.defence();
        if (d != null) {
            Map<String, Object> defended = new TreeMap<>(inputs);
            defended.put("defence", d);
            sources.add(new ModelSource(d.method(), start.start(), start.preprocessing(),
                    new ModelSource.Training(d.plan(m), d.objective(spec.seed()), d.holdout(), d.epsilon() == null ? 0 : d.epsilon(),
                            spec.seed()),
                    String.format("%s of %s%s for %d epochs", d.describe(m.loaded()), start.what(), m.lastLayerOnly() ? " (last layer)" : "",
                            d.epochs()), defended));
        }
        return sources;
    }

    /**
     * The source model of a transfer attack ({@code attacks[i].source}): a model section of its own,
     * started and trained (or loaded, or taken from the cache) as a baseline is, on the same data
     * and seed. A missing file or run is a {@link SpecException} of its field.
     */
    static ModelSource transferSource(ExperimentSpec spec, ModelSpec m, Path baseDir, String label) {
        if (m.transform() != null) {
            throw new advbench.SpecException("transform", "a transfer source is a plain network: the attack is crafted on its own"
                    + " gradients, and the evaluated model's transform judges the result");
        }
        Start start = start(m, baseDir);
        Map<String, Object> inputs = cacheInputs(spec, m, start);
        ModelSource.Training training = m.loaded() && m.epochs() == 0 ? null
                : new ModelSource.Training(m.plan(), Objective.standard(), 0, 0, spec.seed());
        String what = m.loaded() ? (m.epochs() == 0 ? "evaluating " + start.what() + " as loaded" : "fine-tuning " + start.what())
                : "training " + m.architecture() + " for " + m.epochs() + " epochs";
        return new ModelSource(label, start.start(), start.preprocessing(), training, what + " (the source of " + label + ")", inputs);
    }

    /**
     * Where the weights start, with how logs name it and what identifies it in cache keys.
     *
     * @param identity the start's content for the model cache key (file SHA-256 and kind), or null for an architecture
     */
    record Start(ModelSource.Start start, Preprocessing preprocessing, String what, Map<String, Object> identity) {}

    /** The model section's start; a missing or unreadable file or run is a {@link SpecException} of its field. */
    static Start start(ModelSpec m, Path baseDir) {
        Preprocessing given = m.preprocessing() == null ? null : m.preprocessing().preprocessing();
        if (m.file() != null) {
            return fromFile(baseDir.resolve(m.file()).normalize(), m.file(), given, Boolean.TRUE.equals(m.randomised()));
        }
        if (m.run() != null) {
            return fromRun(baseDir.resolve(m.run()).normalize(), m.run(), Boolean.TRUE.equals(m.defended()));
        }
        return new Start(new ModelSource.Fresh(m.architecture()), given, m.architecture(), null);
    }

    /** A TorchScript file, named in logs as the file names it ({@code written}). */
    private static Start fromFile(Path file, String written, Preprocessing preprocessing, boolean randomised) {
        if (!Files.isRegularFile(file)) {
            throw new SpecException("file", file + (Files.isDirectory(file) ? " is a folder, not a TorchScript file" : " does not exist"));
        }
        String sha = sha256(file, "file");
        return new Start(new ModelSource.TorchScriptFile(file, sha, randomised), preprocessing, "TorchScript " + written,
                identity("torchscript", sha, null));
    }

    /** The baseline (or with {@code defended} the adversarially trained) model an earlier run saved, with that run's preprocessing. */
    private static Start fromRun(Path runDir, String written, boolean defended) {
        SavedModel saved;
        try {
            saved = SavedModel.read(runDir, defended);
        } catch (UserError e) {
            throw new SpecException("run", e.getMessage());
        }
        ModelSource.Start s = saved.isTorchScript() ? new ModelSource.TorchScriptFile(saved.weights(), saved.sha256(), false)
                : new ModelSource.SavedWeights(saved.architecture(), saved.weights().getParent(), saved.sha256());
        Map<String, Object> id = identity("run", saved.sha256(), saved.architecture());
        if (saved.preprocessing() != null) {
            id.put("preprocessing", saved.preprocessing());
        }
        return new Start(s, saved.preprocessing(), "the " + saved.label() + " model of run " + written, id);
    }

    private static Map<String, Object> identity(String kind, String sha256, String architecture) {
        Map<String, Object> id = new LinkedHashMap<>();
        id.put("kind", kind);
        id.put("sha256", sha256);
        if (architecture != null && !architecture.equals(Classifiers.TORCHSCRIPT)) {
            id.put("architecture", architecture);
        }
        return id;
    }

    private static String sha256(Path file, String field) {
        try {
            return RunRecorder.sha256(file);
        } catch (java.io.UncheckedIOException e) {
            throw new SpecException(field, file + " cannot be read (" + e.getCause().getMessage() + ")");
        }
    }

    /**
     * Everything besides the data that determines the trained weights, as the model cache key's
     * inputs: attacks, epsilons and outputs are not part of it, so changing them reuses the
     * weights. A loaded model's start counts by its content (SHA-256), not by its path.
     */
    static Map<String, Object> cacheInputs(ExperimentSpec spec, Start start) {
        return cacheInputs(spec, spec.model(), start);
    }

    private static Map<String, Object> cacheInputs(ExperimentSpec spec, ModelSpec model, Start start) {
        Map<String, Object> inputs = new TreeMap<>();
        if (spec.dataset().classNames() != null) {
            // the names' count can exceed the largest label: it sets the model's outputs
            inputs.put("class_names", spec.dataset().classNames());
        }
        inputs.put("train_subset", spec.dataset().trainSubset());
        inputs.put("test_subset", spec.dataset().testSubset());
        inputs.put("seed", spec.seed());
        inputs.put("model", model.withoutPaths());
        if (start.identity() != null) {
            inputs.put("start", start.identity());
        }
        return inputs;
    }
}
