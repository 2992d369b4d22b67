package advbench.report;

import advbench.eval.AttackOutcome;
import java.util.ArrayList;
import java.util.List;

/**
 * minimal-norms.csv, written when an experiment runs a minimum-norm attack: every test sample's
 * smallest fooling perturbation per such attack (0 when misclassified clean, "inf" when never
 * fooled), per model, so that any statistic or curve can be drawn again from the samples
 * themselves. Columns: model, sample, label, clean, then one per attack, named
 * {@code ATTACK (NORM)}.
 */
final class MinimalNormsCsv {
    static final String FILE = "minimal-norms.csv";

    private MinimalNormsCsv() {}

    /** The table, or null when no model ran a minimum-norm attack. */
    static String of(List<ModelRun> models) {
        List<String> columns = new ArrayList<>();
        for (ModelRun m : models) {
            for (AttackOutcome a : m.evaluation().attacks()) {
                String column = a.attack() + " (" + a.norm().label() + ")";
                if (a.minimalNorms() != null && !columns.contains(column)) {
                    columns.add(column);
                }
            }
        }
        if (columns.isEmpty()) {
            return null;
        }
        StringBuilder sb = new StringBuilder(String.join(",", SavedPredictions.FIXED));
        columns.forEach(c -> sb.append(',').append(SavedPredictions.quote(c)));
        sb.append('\n');
        for (ModelRun m : models) {
            int[] labels = m.evaluation().labels();
            for (int i = 0; i < labels.length; i++) {
                sb.append(SavedPredictions.quote(m.label())).append(',').append(i).append(',').append(labels[i]).append(',')
                        .append(m.evaluation().cleanPredicted()[i]);
                for (String column : columns) {
                    sb.append(',');
                    double[] norms = normsOf(m, column);
                    if (norms != null) {
                        sb.append(Double.isInfinite(norms[i]) ? "inf" : String.valueOf((float) norms[i]));
                    }
                }
                sb.append('\n');
            }
        }
        return sb.toString();
    }

    private static double[] normsOf(ModelRun m, String column) {
        for (AttackOutcome a : m.evaluation().attacks()) {
            if (column.equals(a.attack() + " (" + a.norm().label() + ")")) {
                return a.minimalNorms();
            }
        }
        return null;
    }
}
