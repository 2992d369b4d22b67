package advbench.report;

import advbench.Json;

import advbench.eval.Metrics;
import java.util.Locale;

/** metrics.json (the machine-readable record) and metrics.csv (one row per attack and epsilon). */
public final class MetricsWriter {
    private MetricsWriter() {}

    public static void write(RunFolder folder, Object metricsDocument) {
        folder.write("metrics.json", out -> Json.MAPPER.writeValue(out, metricsDocument));
    }

    /** The baseline's rows, then the defended model's (if any), told apart by the model column. */
    public static void writeCsv(RunFolder folder, Metrics baseline, String defendedLabel, Metrics defended) {
        StringBuilder sb = new StringBuilder("model,attack,norm,epsilon,accuracy,success_rate,targeted_success_rate,mean_linf,max_linf,mean_l2,attacked");
        for (int c = 0; c < 10; c++) {
            sb.append(",accuracy_class_").append(c);
        }
        sb.append('\n');
        rows(sb, "baseline", baseline);
        if (defended != null) {
            rows(sb, defendedLabel, defended);
        }
        folder.writeString("metrics.csv", sb.toString());
    }

    private static void rows(StringBuilder sb, String model, Metrics m) {
        double[] cleanPerClass = m.clean().perClass().stream().mapToDouble(Metrics.ClassScores::recall).toArray();
        row(sb, model, "clean", "", new Metrics.Point(0, m.clean().accuracy(), 0, null, 0, 0, 0, m.testSamples(), cleanPerClass));
        for (Metrics.AttackCurve curve : m.attacks()) {
            for (Metrics.Point p : curve.points()) {
                row(sb, model, curve.attack(), curve.norm(), p);
            }
        }
        // worst case rows carry only the accuracy; the other columns stay empty
        for (Metrics.WorstCase w : m.worstCase()) {
            for (Metrics.WorstPoint p : w.points()) {
                sb.append(model).append(",worst case,").append(w.norm()).append(',').append(number(p.epsilon())).append(',')
                        .append(number(p.accuracy())).append(",".repeat(6 + 10)).append('\n');
            }
        }
    }

    private static void row(StringBuilder sb, String model, String attack, String norm, Metrics.Point p) {
        sb.append(quote(model)).append(',').append(quote(attack)).append(',').append(norm);
        sb.append(',').append(number(p.epsilon())).append(',').append(number(p.accuracy()))
                .append(',').append(number(p.successRate()))
                .append(',').append(p.targetedSuccessRate() == null ? "" : number(p.targetedSuccessRate()));
        for (double v : new double[] {p.meanLinf(), p.maxLinf(), p.meanL2()}) {
            sb.append(',').append(number(v));
        }
        sb.append(',').append(p.attacked());
        for (double v : p.perClassAccuracy()) {
            sb.append(',').append(number(v));
        }
        sb.append('\n');
    }

    private static String number(double v) {
        return String.format(Locale.ROOT, "%.6f", v);
    }

    private static String quote(String s) {
        return s.contains(",") || s.contains("\"") ? "\"" + s.replace("\"", "\"\"") + "\"" : s;
    }
}
