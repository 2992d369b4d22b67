package advbench.figures;

import advbench.Json;
import advbench.UserError;
import advbench.experiment.ExperimentLoader;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A finished run as {@code bench figures} sees it: the numbers of metrics.json, the resolved
 * config (to tell runs that differ only in seed), and, for runs made since they are saved, the
 * grid's images and the per-sample predictions. Nothing here touches a model.
 *
 * @param configWithoutSeed config.yaml less its seed: equal for runs of one configuration; null
 *     when the run has no config.yaml
 * @param examples examples.json, or null for a run made before it was saved
 * @param predictions predictions.csv, or null for a run made before it was saved
 */
public record RunData(Path dir, String experiment, int seed, JsonNode configWithoutSeed, List<ModelResult> models,
                      SavedExamples examples, SavedPredictions predictions) {

    /** One accuracy curve: an attack (or the worst case) over its epsilons, accuracies in [0, 1]. */
    public record Curve(String attack, String norm, List<double[]> points) {}

    /**
     * One model of a run: the baseline, or the adversarially trained model named after its
     * defence method.
     *
     * @param confusion clean confusion matrix, [true][predicted]
     */
    public record ModelResult(String name, double cleanAccuracy, int[][] confusion, List<Curve> attacks, List<Curve> worstCase) {

        public Curve attack(String attack) {
            return attacks.stream().filter(c -> c.attack().equals(attack)).findFirst().orElse(null);
        }
    }

    public String runId() {
        return dir.getFileName().toString();
    }

    public ModelResult model(String name) {
        return models.stream().filter(m -> m.name().equals(name)).findFirst().orElse(null);
    }

    /** Loads a run folder; anything that is not a readable run folder is a user error (exit 2). */
    public static RunData load(Path dir) {
        Path metricsFile = dir.resolve("metrics.json");
        if (!Files.isDirectory(dir)) {
            throw new UserError(dir + ": not a run folder (no such directory)");
        }
        if (!Files.isRegularFile(metricsFile)) {
            throw new UserError(dir + ": not a run folder (no metrics.json)");
        }
        JsonNode metrics;
        try {
            metrics = Json.MAPPER.readTree(metricsFile.toFile());
        } catch (IOException e) {
            throw new UserError(metricsFile + ": unreadable (" + SavedExamples.firstLine(e.getMessage()) + ")");
        }
        if (metrics == null || !metrics.has("clean") || !metrics.path("attacks").isArray()) {
            throw new UserError(metricsFile + ": not the metrics of a run (no clean accuracy or attacks)");
        }
        List<ModelResult> models = new ArrayList<>();
        models.add(model("baseline", metrics));
        if (metrics.has("defence")) {
            models.add(model(metrics.at("/defence/method").asText("defended"), metrics.get("defence")));
        }
        Path examples = dir.resolve(SavedExamples.FILE);
        Path predictions = dir.resolve(SavedPredictions.FILE);
        return new RunData(dir, metrics.path("experiment").asText("run"), metrics.path("seed").asInt(), configWithoutSeed(dir.resolve("config.yaml")), List.copyOf(models),
                Files.isRegularFile(examples) ? SavedExamples.read(examples) : null,
                Files.isRegularFile(predictions) ? SavedPredictions.read(predictions) : null);
    }

    private static ModelResult model(String name, JsonNode m) {
        List<Curve> attacks = new ArrayList<>();
        for (JsonNode c : m.path("attacks")) {
            attacks.add(new Curve(c.path("attack").asText(), c.path("norm").asText("L-inf"), points(c.path("points"))));
        }
        List<Curve> worst = new ArrayList<>();
        for (JsonNode w : m.path("worst_case")) {
            worst.add(new Curve(AccuracyData.WORST_CASE, w.path("norm").asText(), points(w.path("points"))));
        }
        JsonNode cm = m.at("/clean/confusion_matrix");
        int[][] confusion = null;
        if (cm.isArray() && cm.size() > 0) {
            confusion = new int[cm.size()][];
            for (int t = 0; t < cm.size(); t++) {
                confusion[t] = new int[cm.get(t).size()];
                for (int p = 0; p < confusion[t].length; p++) {
                    confusion[t][p] = cm.get(t).get(p).asInt();
                }
            }
        }
        return new ModelResult(name, m.at("/clean/accuracy").asDouble(), confusion, List.copyOf(attacks), List.copyOf(worst));
    }

    private static List<double[]> points(JsonNode points) {
        List<double[]> out = new ArrayList<>();
        for (JsonNode p : points) {
            out.add(new double[] {p.path("epsilon").asDouble(), p.path("accuracy").asDouble()});
        }
        return List.copyOf(out);
    }

    private static JsonNode configWithoutSeed(Path config) {
        if (!Files.isRegularFile(config)) {
            return null;
        }
        try {
            JsonNode tree = ExperimentLoader.YAML.readTree(config.toFile());
            if (tree instanceof ObjectNode object) {
                object.remove("seed");
            }
            return tree;
        } catch (IOException e) {
            return null; // grouping by seed is a convenience: without the config the run stands alone
        }
    }
}
