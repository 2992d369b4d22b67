package advbench.verify;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** The comparison of a run's metrics with a reference, one row per reference metric. */
public record Verification(List<Row> rows) {

    /** measured is null when the run lacks the metric (which fails). */
    public record Row(String metric, double reference, Double measured, double tolerance) {
        public boolean passed() {
            return measured != null && Math.abs(measured - reference) <= tolerance + 1e-12;
        }

        public Double difference() {
            return measured == null ? null : measured - reference;
        }
    }

    public static Verification compare(Reference reference, Map<String, Double> measured) {
        List<Row> rows = new ArrayList<>();
        reference.metrics().forEach((key, value) ->
                rows.add(new Row(key, value, measured.get(key), reference.toleranceFor(key))));
        return new Verification(List.copyOf(rows));
    }

    public boolean passed() {
        return rows.stream().allMatch(Row::passed);
    }

    public long failures() {
        return rows.stream().filter(r -> !r.passed()).count();
    }

    /** A fixed-width table: metric, reference, measured, difference, tolerance, result. */
    public String table() {
        int width = Math.max(6, rows.stream().mapToInt(r -> r.metric().length()).max().orElse(6));
        StringBuilder sb = new StringBuilder();
        String fmt = "%-" + width + "s  %9s  %9s  %10s  %9s  %s%n";
        sb.append(String.format(Locale.ROOT, fmt, "metric", "reference", "measured", "difference", "tolerance", "result"));
        for (Row r : rows) {
            sb.append(String.format(Locale.ROOT, fmt, r.metric(), f(r.reference()),
                    r.measured() == null ? "missing" : f(r.measured()),
                    r.difference() == null ? "-" : String.format(Locale.ROOT, "%+.4f", r.difference()),
                    f(r.tolerance()), r.passed() ? "pass" : "FAIL"));
        }
        sb.append(passed() ? "all " + rows.size() + " metrics within tolerance\n"
                : failures() + " of " + rows.size() + " metrics drifted beyond tolerance\n");
        return sb.toString();
    }

    private static String f(double v) {
        return String.format(Locale.ROOT, "%.4f", v);
    }
}
