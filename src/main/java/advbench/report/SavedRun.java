package advbench.report;

import advbench.Json;
import advbench.UserError;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A finished run folder, read back: the one typed reader of the files {@link RunRecorder} writes,
 * used by {@code bench figures}, {@code bench verify} and {@code bench reference}. Nothing here
 * touches a model.
 *
 * @param config the resolved config.yaml as a tree, or null when the run has none
 * @param examples examples.json, or null for a run made before it was saved
 * @param predictions predictions.csv, or null for a run made before it was saved
 * @param lossTraces loss-traces.csv per model, or null when the run has none (indicators off, or an older run)
 */
public record SavedRun(Path dir, MetricsDocument metrics, JsonNode config, SavedExamples examples, SavedPredictions predictions,
                       java.util.Map<String, java.util.List<advbench.eval.LossTrace>> lossTraces) {
    public static final String MANIFEST = "manifest.json";

    /** A run folder's id: its name, the time the run started. */
    public static String runIdOf(Path dir) {
        return dir.toAbsolutePath().normalize().getFileName().toString();
    }

    public String experiment() {
        return metrics.experiment();
    }

    /**
     * Loads a finished run folder; anything that is not one is a user error (exit 2), an
     * interrupted run (no manifest.json, which is written last) included.
     */
    public static SavedRun read(Path dir) {
        requireFinished(dir);
        return readUnfinished(dir);
    }

    /** Loads a run folder whose manifest is not written yet: the run drawing its own figures. */
    public static SavedRun readUnfinished(Path dir) {
        if (!Files.isDirectory(dir)) {
            throw new UserError(dir + ": not a run folder (no such directory)");
        }
        MetricsDocument metrics = metricsOf(dir);
        Path examples = dir.resolve(SavedExamples.FILE);
        Path predictions = dir.resolve(SavedPredictions.FILE);
        Path traces = dir.resolve(SavedLossTraces.FILE);
        return new SavedRun(dir, metrics, config(dir.resolve("config.yaml")),
                Files.isRegularFile(examples) ? SavedExamples.read(examples) : null,
                Files.isRegularFile(predictions) ? SavedPredictions.read(predictions) : null,
                Files.isRegularFile(traces) ? SavedLossTraces.read(traces) : null);
    }

    /** Only metrics.json of a finished run: what verifying a run needs. */
    public static MetricsDocument metrics(Path dir) {
        requireFinished(dir);
        return metricsOf(dir);
    }

    /** A folder with metrics.json but no manifest.json was interrupted after its numbers: not a result to read. */
    private static void requireFinished(Path dir) {
        if (Files.isDirectory(dir) && Files.isRegularFile(dir.resolve("metrics.json")) && !Files.isRegularFile(dir.resolve(MANIFEST))) {
            throw new UserError(dir + ": an interrupted run (no " + MANIFEST + ", which a run writes last); run the experiment again");
        }
    }

    private static MetricsDocument metricsOf(Path dir) {
        Path file = dir.resolve("metrics.json");
        if (!Files.isRegularFile(file)) {
            throw new UserError(dir + ": not a run folder (no metrics.json)");
        }
        MetricsDocument doc;
        try {
            doc = Json.MAPPER.readerFor(MetricsDocument.class).without(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                    .readValue(file.toFile());
        } catch (JsonMappingException e) {
            throw new UserError(file + ": " + describe(e));
        } catch (JsonProcessingException e) {
            throw new UserError(file + ": not valid JSON (line " + e.getLocation().getLineNr() + ": "
                    + SavedExamples.firstLine(e.getOriginalMessage()) + ")");
        } catch (IOException e) {
            throw new UserError(file + ": cannot be read (" + advbench.Errors.reason(e) + ")");
        }
        String missing = missingPart(doc);
        if (missing != null) {
            throw new UserError(file + ": not the metrics of a run (" + missing + ")");
        }
        return doc;
    }

    /** The first part a run's metrics must have and this one lacks, or null. */
    private static String missingPart(MetricsDocument doc) {
        if (doc == null || doc.clean() == null || doc.attacks() == null) {
            return "no clean accuracy or attacks";
        }
        for (MetricsDocument.ModelMetrics m : doc.models()) {
            if (m.clean() == null || m.attacks() == null) {
                return m.name() + ": no clean accuracy or attacks";
            }
            for (int i = 0; i < m.attacks().size(); i++) {
                var curve = m.attacks().get(i);
                if (curve == null || curve.attack() == null || curve.norm() == null || curve.points() == null
                        || curve.points().contains(null)) {
                    return m.name() + " attacks[" + i + "]: an attack needs its name, norm and points";
                }
            }
        }
        return null;
    }

    /** "attacks[0].points[1].accuracy: expected a number": where and what, without Jackson's vocabulary. */
    static String describe(JsonMappingException e) {
        StringBuilder path = new StringBuilder();
        for (JsonMappingException.Reference r : e.getPath()) {
            if (r.getFieldName() != null) {
                path.append(path.isEmpty() ? "" : ".").append(r.getFieldName());
            } else if (r.getIndex() >= 0) {
                path.append('[').append(r.getIndex()).append(']');
            }
        }
        String what = e instanceof MismatchedInputException m && m.getTargetType() != null ? "expected " + kind(m.getTargetType())
                : SavedExamples.firstLine(e.getOriginalMessage());
        return (path.isEmpty() ? "" : path + ": ") + what;
    }

    private static String kind(Class<?> type) {
        if (type == double.class || type == Double.class || type == float.class || type == int.class || type == Integer.class) {
            return "a number";
        }
        if (type == String.class) {
            return "a text value";
        }
        if (type.isArray() || java.util.Collection.class.isAssignableFrom(type)) {
            return "a list";
        }
        return "an object (" + type.getSimpleName() + ")";
    }

    private static JsonNode config(Path file) {
        if (!Files.isRegularFile(file)) {
            return null;
        }
        try {
            return new YAMLMapper().readTree(file.toFile());
        } catch (IOException e) {
            return null; // the config only groups runs of one configuration: without it a run stands alone
        }
    }
}
