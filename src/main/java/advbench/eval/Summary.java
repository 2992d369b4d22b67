package advbench.eval;

import java.util.ArrayList;
import java.util.List;

/** A model's metrics as log lines: clean accuracy, each attack's curve, the worst case, warnings. */
public final class Summary {
    private Summary() {}

    public static List<String> lines(String label, Metrics m) {
        List<String> lines = new ArrayList<>();
        lines.add(String.format("%s: clean accuracy %.2f%%", label, 100 * m.clean().accuracy()));
        for (Metrics.AttackCurve c : m.attacks()) {
            StringBuilder sb = new StringBuilder(label + ": " + c.attack() + " accuracy:");
            for (Metrics.Point p : c.points()) {
                sb.append(String.format(" eps %.3g: %.2f%%", p.epsilon(), 100 * p.accuracy()));
                if (p.targetedSuccessRate() != null) {
                    sb.append(String.format(" (target hit %.1f%%)", 100 * p.targetedSuccessRate()));
                }
            }
            lines.add(sb.toString());
        }
        for (Metrics.WorstCase w : m.worstCase()) {
            StringBuilder sb = new StringBuilder(label + ": worst case over " + w.norm() + " attacks:");
            for (Metrics.WorstPoint p : w.points()) {
                sb.append(String.format(" eps %.3g: %.2f%%", p.epsilon(), 100 * p.accuracy()));
            }
            lines.add(sb.toString());
        }
        for (Metrics.Certified c : m.certified() == null ? List.<Metrics.Certified>of() : m.certified()) {
            StringBuilder sb = new StringBuilder(label + ": certified (" + c.method() + ") accuracy:");
            for (Metrics.CertifiedPoint p : c.points()) {
                sb.append(String.format(" eps %.3g: %.2f%%", p.epsilon(), 100 * p.accuracy()));
            }
            lines.add(sb.toString());
            for (Metrics.CertifiedPoint p : c.points()) {
                if (p.worstAttack() != null) {
                    lines.add(String.format("%s: at eps %.3g, robust accuracy is between %.2f%% (certified, %s) and %.2f%% (worst attack)",
                            label, p.epsilon(), 100 * p.accuracy(), c.method(), 100 * p.worstAttack()));
                }
            }
        }
        for (Metrics.Smoothed sm : m.smoothing() == null ? List.<Metrics.Smoothed>of() : m.smoothing()) {
            StringBuilder sb = new StringBuilder(String.format("%s: randomized smoothing at sigma %s (n0 %d, n %d, alpha %s, %d samples):"
                    + " smoothed accuracy %.2f%% (abstains on %.2f%%); certified L2 accuracy", label, sm.sigma(), sm.n0(), sm.n(), sm.alpha(),
                    sm.samples(), 100 * sm.cleanAccuracy(), 100 * sm.abstained()));
            for (double[] r : sm.atRadii()) {
                sb.append(String.format(" r %.2f: %.2f%%", r[0], 100 * r[1]));
            }
            if (sm.medianRadius() != null) {
                sb.append(String.format("; median radius of the certified %.3f", sm.medianRadius()));
            }
            lines.add(sb.toString());
        }
        m.warnings().forEach(w -> lines.add("WARNING (" + label + "): " + w));
        return lines;
    }
}
