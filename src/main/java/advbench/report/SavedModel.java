package advbench.report;

import advbench.Json;
import advbench.UserError;
import advbench.model.Classifier;
import advbench.model.Classifiers;
import advbench.model.Preprocessing;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A model an earlier run saved, read back from its folder so that a new experiment can evaluate
 * it under other attacks ({@code model: {run: ...}}): its weights, checked against the SHA-256
 * the run's manifest recorded, and what it takes to rebuild the model around them.
 *
 * @param label "baseline", or the defence method of a defended model
 * @param architecture the architecture built here, or "torchscript" when the weights are a TorchScript file
 * @param preprocessing the normalisation the model had, or null
 */
public record SavedModel(String label, Path weights, String sha256, String architecture, Preprocessing preprocessing) {

    public boolean isTorchScript() {
        return Classifiers.TORCHSCRIPT.equals(architecture);
    }

    /** The baseline of the finished run in {@code runDir}, or its defended model. */
    public static SavedModel read(Path runDir, boolean defended) {
        if (!Files.isDirectory(runDir)) {
            throw new UserError(runDir + " is not a run folder (no such directory)");
        }
        Path manifestFile = runDir.resolve(SavedRun.MANIFEST);
        if (!Files.isRegularFile(manifestFile)) {
            throw new UserError(runDir + " is not a finished run (no " + SavedRun.MANIFEST + ", which a run writes last)");
        }
        JsonNode manifest = tree(manifestFile);
        JsonNode entry = null;
        List<String> labels = new ArrayList<>();
        for (JsonNode m : manifest.path("models")) {
            String label = m.path("label").asText();
            labels.add(label);
            if (defended != label.equals(ModelRun.BASELINE) && entry == null) {
                entry = m;
            }
        }
        if (entry == null) {
            throw new UserError(runDir + " has no " + (defended ? "defended model (its experiment had no defence section)" : "baseline model")
                    + "; its models: " + (labels.isEmpty() ? "none" : String.join(", ", labels)));
        }
        String file = entry.path("weights_file").asText("");
        Path weights = runDir.resolve(file).normalize();
        if (file.isEmpty() || !weights.startsWith(runDir.normalize()) || !Files.isRegularFile(weights)) {
            throw new UserError(runDir + ": the weights its manifest names ('" + file + "') are not in the run folder");
        }
        String recorded = entry.path("weights_sha256").asText("");
        String actual = RunRecorder.sha256(weights);
        if (!actual.equals(recorded)) {
            throw new UserError(weights + ": its SHA-256 is not the one the run's manifest recorded (changed since the run?)");
        }
        String architecture = entry.hasNonNull("architecture") ? entry.get("architecture").asText()
                : file.endsWith(".pt") ? Classifiers.TORCHSCRIPT : configModel(runDir).path("architecture").asText(null);
        if (architecture == null) {
            throw new UserError(runDir + ": neither its manifest nor its config.yaml says which architecture its model is");
        }
        JsonNode p = entry.hasNonNull("preprocessing") ? entry.get("preprocessing") : configModel(runDir).path("preprocessing");
        Preprocessing preprocessing = p.isMissingNode() || p.isNull() ? null : new Preprocessing(doubles(p.path("mean")), doubles(p.path("std")));
        return new SavedModel(entry.path("label").asText(), weights, actual, architecture, preprocessing);
    }

    /** The model section of a run's resolved config (for runs made before the manifest recorded it). */
    private static JsonNode configModel(Path runDir) {
        Path config = runDir.resolve("config.yaml");
        try {
            return Files.isRegularFile(config) ? new YAMLMapper().readTree(config.toFile()).path("model") : com.fasterxml.jackson.databind.node.MissingNode.getInstance();
        } catch (IOException e) {
            throw new UserError(config + ": cannot be read (" + advbench.Errors.reason(e) + ")");
        }
    }

    private static JsonNode tree(Path file) {
        try {
            return Json.MAPPER.readTree(file.toFile());
        } catch (IOException e) {
            throw new UserError(file + ": not valid JSON (" + SavedExamples.firstLine(e.getMessage()) + ")");
        }
    }

    private static List<Double> doubles(JsonNode array) {
        List<Double> out = new ArrayList<>();
        array.forEach(v -> out.add(v.asDouble()));
        return out;
    }
}
