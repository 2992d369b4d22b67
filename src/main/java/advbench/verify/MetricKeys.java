package advbench.verify;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Flattens a run's metrics.json into the numbers a reference pins down, under readable keys:
 * {@code clean/accuracy}, {@code <attack>/eps=<eps>/accuracy} (also success_rate and
 * targeted_success_rate) and {@code worst_case/<norm>/eps=<eps>/accuracy}; the same keys under
 * {@code defended/} for an adversarially trained model.
 */
public final class MetricKeys {
    private MetricKeys() {}

    public static Map<String, Double> flatten(JsonNode metrics) {
        Map<String, Double> out = new LinkedHashMap<>();
        flatten(metrics, "", out);
        if (metrics.has("defence")) {
            flatten(metrics.get("defence"), "defended/", out);
        }
        return out;
    }

    private static void flatten(JsonNode metrics, String model, Map<String, Double> out) {
        out.put(model + "clean/accuracy", metrics.at("/clean/accuracy").asDouble());
        for (JsonNode curve : metrics.path("attacks")) {
            String attack = curve.path("attack").asText();
            for (JsonNode p : curve.path("points")) {
                String prefix = model + attack + "/eps=" + p.path("epsilon").asDouble() + "/";
                out.put(prefix + "accuracy", p.path("accuracy").asDouble());
                out.put(prefix + "success_rate", p.path("success_rate").asDouble());
                if (p.has("targeted_success_rate")) {
                    out.put(prefix + "targeted_success_rate", p.path("targeted_success_rate").asDouble());
                }
            }
        }
        for (JsonNode w : metrics.path("worst_case")) {
            for (JsonNode p : w.path("points")) {
                out.put(model + "worst_case/" + w.path("norm").asText() + "/eps=" + p.path("epsilon").asDouble() + "/accuracy",
                        p.path("accuracy").asDouble());
            }
        }
    }
}
