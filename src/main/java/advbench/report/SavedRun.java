package advbench.report;

import advbench.Json;
import advbench.UserError;
import com.fasterxml.jackson.databind.DeserializationFeature;
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
 */
public record SavedRun(Path dir, MetricsDocument metrics, JsonNode config, SavedExamples examples, SavedPredictions predictions) {

    /** A run folder's id: its name, the time the run started. */
    public static String runIdOf(Path dir) {
        return dir.toAbsolutePath().normalize().getFileName().toString();
    }

    public String experiment() {
        return metrics.experiment();
    }

    /** Loads a run folder; anything that is not a readable run folder is a user error (exit 2). */
    public static SavedRun read(Path dir) {
        if (!Files.isDirectory(dir)) {
            throw new UserError(dir + ": not a run folder (no such directory)");
        }
        MetricsDocument metrics = metrics(dir);
        Path examples = dir.resolve(SavedExamples.FILE);
        Path predictions = dir.resolve(SavedPredictions.FILE);
        return new SavedRun(dir, metrics, config(dir.resolve("config.yaml")),
                Files.isRegularFile(examples) ? SavedExamples.read(examples) : null,
                Files.isRegularFile(predictions) ? SavedPredictions.read(predictions) : null);
    }

    /** Only metrics.json: what verifying a run needs. */
    public static MetricsDocument metrics(Path dir) {
        Path file = dir.resolve("metrics.json");
        if (!Files.isRegularFile(file)) {
            throw new UserError(dir + ": not a run folder (no metrics.json)");
        }
        MetricsDocument doc;
        try {
            doc = Json.MAPPER.readerFor(MetricsDocument.class).without(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                    .readValue(file.toFile());
        } catch (IOException | IllegalArgumentException e) {
            throw new UserError(file + ": unreadable (" + SavedExamples.firstLine(e.getMessage()) + ")");
        }
        if (doc == null || doc.clean() == null || doc.attacks() == null) {
            throw new UserError(file + ": not the metrics of a run (no clean accuracy or attacks)");
        }
        return doc;
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
