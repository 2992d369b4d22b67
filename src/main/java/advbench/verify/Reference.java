package advbench.verify;

import advbench.Json;
import advbench.UserError;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * Reference numbers for an experiment, as committed under results/reference/: the metrics of
 * a run that was checked by hand, and how far a new run may drift from each (absolute).
 *
 * <pre>
 * { "experiment": "ci-smoke", "source_run": "...", "default_tolerance": 0.01,
 *   "tolerances": { "PGD-10/eps=0.1/accuracy": 0.02 },
 *   "metrics": { "clean/accuracy": 0.967, ... } }
 * </pre>
 */
public record Reference(String experiment, String sourceRun, double defaultTolerance,
                        Map<String, Double> tolerances, Map<String, Double> metrics) {
    public static final double DEFAULT_TOLERANCE = 0.01;

    public double toleranceFor(String key) {
        return tolerances.getOrDefault(key, defaultTolerance);
    }

    /** Reads and checks a reference file; anything malformed is a one-line {@link UserError}. */
    public static Reference read(Path file) {
        JsonNode root;
        try {
            root = Json.MAPPER.readTree(Files.readString(file));
        } catch (NoSuchFileException e) {
            throw new UserError(file + ": no such reference file");
        } catch (IOException e) {
            throw new UserError(file + ": not valid JSON (" + firstLine(e.getMessage()) + ")");
        }
        if (root == null || !root.isObject()) {
            throw new UserError(file + ": expected a JSON object with 'experiment' and 'metrics'");
        }
        if (!root.path("experiment").isTextual()) {
            throw new UserError(file + ": 'experiment' must be the experiment's name");
        }
        double defaultTolerance = root.has("default_tolerance") ? number(file, "default_tolerance", root.get("default_tolerance")) : DEFAULT_TOLERANCE;
        Map<String, Double> metrics = numbers(file, "metrics", root.get("metrics"));
        if (metrics.isEmpty()) {
            throw new UserError(file + ": 'metrics' must hold at least one metric");
        }
        Map<String, Double> tolerances = root.has("tolerances") ? numbers(file, "tolerances", root.get("tolerances")) : Map.of();
        for (String key : tolerances.keySet()) {
            if (!metrics.containsKey(key)) {
                throw new UserError(file + ": tolerances." + key + " names no metric of the reference");
            }
        }
        for (Map.Entry<String, Double> m : metrics.entrySet()) {
            if (m.getValue() < 0 || m.getValue() > 1) {
                throw new UserError(file + ": metrics." + m.getKey() + " must be a fraction in [0, 1], got " + m.getValue());
            }
        }
        return new Reference(root.get("experiment").asText(), root.path("source_run").asText(null), defaultTolerance,
                tolerances, metrics);
    }

    /** A reference from a finished run, keeping the tolerances of an earlier reference if any. */
    public static Reference fromRun(String experiment, String runId, advbench.report.MetricsDocument run, Reference previous) {
        Map<String, Double> metrics = MetricKeys.flatten(run);
        Map<String, Double> tolerances = new TreeMap<>();
        double defaultTolerance = DEFAULT_TOLERANCE;
        if (previous != null) {
            defaultTolerance = previous.defaultTolerance();
            previous.tolerances().forEach((k, v) -> {
                if (metrics.containsKey(k)) {
                    tolerances.put(k, v);
                }
            });
        }
        return new Reference(experiment, runId, defaultTolerance, tolerances, metrics);
    }

    public String toJson() {
        ObjectNode root = Json.MAPPER.createObjectNode();
        root.put("experiment", experiment);
        root.put("source_run", sourceRun);
        root.put("default_tolerance", defaultTolerance);
        ObjectNode tol = root.putObject("tolerances");
        tolerances.forEach(tol::put);
        ObjectNode m = root.putObject("metrics");
        metrics.forEach(m::put);
        try {
            return Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(root) + "\n";
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Map<String, Double> numbers(Path file, String field, JsonNode node) {
        if (node == null || !node.isObject()) {
            throw new UserError(file + ": '" + field + "' must be an object of metric name to number");
        }
        Map<String, Double> out = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            out.put(e.getKey(), number(file, field + "." + e.getKey(), e.getValue()));
        }
        return out;
    }

    private static double number(Path file, String field, JsonNode value) {
        if (!value.isNumber() || value.asDouble() < 0) {
            throw new UserError(file + ": " + field + " must be a number >= 0, got " + value);
        }
        return value.asDouble();
    }

    private static String firstLine(String s) {
        return s == null ? "" : s.lines().findFirst().orElse("");
    }
}
