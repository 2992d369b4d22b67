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
        m.warnings().forEach(w -> lines.add("WARNING (" + label + "): " + w));
        return lines;
    }
}
