package advbench.verify;

import advbench.eval.Metrics;
import advbench.report.MetricsDocument;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Flattens a run's metrics into the numbers a reference pins down, under readable keys:
 * {@code clean/accuracy}, {@code <attack>/eps=<eps>/accuracy} (also success_rate and
 * targeted_success_rate), {@code worst_case/<norm>/eps=<eps>/accuracy}, {@code
 * certified/<method>/eps=<eps>/accuracy} and {@code smoothing/sigma=<sigma>/clean_accuracy} and {@code
 * .../radius=<r>/accuracy}; the same keys under {@code defended/} for an adversarially trained model.
 */
public final class MetricKeys {
    private MetricKeys() {}

    public static Map<String, Double> flatten(MetricsDocument metrics) {
        Map<String, Double> out = new LinkedHashMap<>();
        List<MetricsDocument.ModelMetrics> models = metrics.models();
        for (int m = 0; m < models.size(); m++) {
            flatten(models.get(m), m == 0 ? "" : "defended/", out);
        }
        return out;
    }

    private static void flatten(MetricsDocument.ModelMetrics model, String prefix, Map<String, Double> out) {
        out.put(prefix + "clean/accuracy", model.clean().accuracy());
        for (Metrics.AttackCurve curve : model.attacks()) {
            for (Metrics.Point p : curve.points()) {
                String key = prefix + curve.attack() + "/eps=" + p.epsilon() + "/";
                out.put(key + "accuracy", p.accuracy());
                out.put(key + "success_rate", p.successRate());
                if (p.targetedSuccessRate() != null) {
                    out.put(key + "targeted_success_rate", p.targetedSuccessRate());
                }
            }
        }
        for (Metrics.WorstCase w : model.worstCase() == null ? List.<Metrics.WorstCase>of() : model.worstCase()) {
            for (Metrics.WorstPoint p : w.points()) {
                out.put(prefix + "worst_case/" + w.norm() + "/eps=" + p.epsilon() + "/accuracy", p.accuracy());
            }
        }
        for (Metrics.Certified c : model.certified()) {
            for (Metrics.CertifiedPoint p : c.points()) {
                out.put(prefix + "certified/" + c.method() + "/eps=" + p.epsilon() + "/accuracy", p.accuracy());
            }
        }
        for (Metrics.Smoothed sm : model.smoothing()) {
            String key = prefix + "smoothing/sigma=" + sm.sigma() + "/";
            out.put(key + "clean_accuracy", sm.cleanAccuracy());
            for (double[] r : sm.atRadii()) {
                out.put(key + "radius=" + r[0] + "/accuracy", r[1]);
            }
        }
    }
}
