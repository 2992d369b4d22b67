package advbench.report;

import advbench.UserError;
import advbench.eval.AttackOutcome;
import advbench.eval.EpsilonOutcome;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * predictions.csv: the predicted class of every test sample, clean and under every attack and
 * epsilon, per model. A confusion matrix for any attack can be drawn from it later, and it is
 * the per-sample record a reader of the paper may ask for (one column per attack and epsilon,
 * named {@code ATTACK@EPS}, ready for a spreadsheet or pandas).
 */
public record SavedPredictions(List<ModelPredictions> models) {
    public static final String FILE = "predictions.csv";
    static final List<String> FIXED = List.of("model", "sample", "label", "clean");

    /** One column of predictions: an attack at one epsilon. */
    public record Column(String attack, double epsilon) {
        public String header() {
            return attack + "@" + Epsilons.format(epsilon);
        }
    }

    /** @param attacks predicted classes per attack and epsilon, aligned with labels */
    public record ModelPredictions(String model, int[] labels, int[] clean, Map<Column, int[]> attacks) {

        public int[] predicted(Column column) {
            return attacks.get(column);
        }
    }

    /** Every test sample's prediction under every attack and epsilon, per evaluated model. */
    public static SavedPredictions of(List<ModelRun> models) {
        List<ModelPredictions> out = new ArrayList<>();
        for (ModelRun m : models) {
            Map<Column, int[]> columns = new LinkedHashMap<>();
            for (AttackOutcome a : m.evaluation().attacks()) {
                for (EpsilonOutcome e : a.perEpsilon()) {
                    columns.put(new Column(a.attack(), e.epsilon()), e.predicted());
                }
            }
            out.add(new ModelPredictions(m.label(), m.evaluation().labels(), m.evaluation().cleanPredicted(), columns));
        }
        return new SavedPredictions(List.copyOf(out));
    }

    public String toCsv() {
        List<Column> columns = new ArrayList<>();
        for (ModelPredictions m : models) {
            m.attacks().keySet().stream().filter(c -> !columns.contains(c)).forEach(columns::add);
        }
        StringBuilder sb = new StringBuilder(String.join(",", FIXED));
        columns.forEach(c -> sb.append(',').append(quote(c.header())));
        sb.append('\n');
        for (ModelPredictions m : models) {
            for (int i = 0; i < m.labels().length; i++) {
                sb.append(quote(m.model())).append(',').append(i).append(',').append(m.labels()[i]).append(',').append(m.clean()[i]);
                for (Column c : columns) {
                    int[] p = m.attacks().get(c);
                    sb.append(',');
                    if (p != null) {
                        sb.append(p[i]);
                    }
                }
                sb.append('\n');
            }
        }
        return sb.toString();
    }

    public static SavedPredictions read(Path file) {
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UserError(file + ": unreadable (" + advbench.Errors.reason(e) + ")");
        }
        if (lines.isEmpty()) {
            throw new UserError(file + ": empty");
        }
        List<String> header = split(lines.get(0));
        if (header.size() < FIXED.size() || !header.subList(0, FIXED.size()).equals(FIXED)) {
            throw new UserError(file + ": line 1: expected the columns " + String.join(",", FIXED) + ",ATTACK@EPS...");
        }
        List<Column> columns = new ArrayList<>();
        for (String name : header.subList(FIXED.size(), header.size())) {
            int at = name.lastIndexOf('@');
            try {
                columns.add(new Column(name.substring(0, at), Double.parseDouble(name.substring(at + 1))));
            } catch (RuntimeException e) {
                throw new UserError(file + ": line 1: column '" + name + "' is not ATTACK@EPS");
            }
        }
        // rows of one model are contiguous; collect them in order of appearance
        Map<String, List<int[]>> rows = new LinkedHashMap<>();
        for (int n = 1; n < lines.size(); n++) {
            if (lines.get(n).isEmpty()) {
                continue;
            }
            List<String> cells = split(lines.get(n));
            if (cells.size() != header.size()) {
                throw new UserError(file + ": line " + (n + 1) + ": " + cells.size() + " cells, expected " + header.size());
            }
            int[] values = new int[cells.size() - 1];
            for (int k = 1; k < cells.size(); k++) {
                try {
                    values[k - 1] = cells.get(k).isEmpty() ? -1 : Integer.parseInt(cells.get(k));
                } catch (NumberFormatException e) {
                    throw new UserError(file + ": line " + (n + 1) + ": '" + cells.get(k) + "' is not a class");
                }
            }
            rows.computeIfAbsent(cells.get(0), k -> new ArrayList<>()).add(values);
        }
        List<ModelPredictions> models = new ArrayList<>();
        rows.forEach((model, values) -> {
            int n = values.size();
            int[] labels = new int[n];
            int[] clean = new int[n];
            Map<Column, int[]> attacks = new LinkedHashMap<>();
            columns.forEach(c -> attacks.put(c, new int[n]));
            for (int i = 0; i < n; i++) {
                int[] v = values.get(i); // sample, label, clean, columns...
                labels[i] = v[1];
                clean[i] = v[2];
                for (int c = 0; c < columns.size(); c++) {
                    attacks.get(columns.get(c))[i] = v[3 + c];
                }
            }
            models.add(new ModelPredictions(model, labels, clean, attacks));
        });
        return new SavedPredictions(List.copyOf(models));
    }

    /** A CSV cell, quoted when it holds a comma or a quote. */
    public static String quote(String s) {
        return s.contains(",") || s.contains("\"") ? "\"" + s.replace("\"", "\"\"") + "\"" : s;
    }

    /** One CSV line into cells, honouring double quotes (attack labels may hold commas). */
    public static List<String> split(String line) {
        List<String> cells = new ArrayList<>();
        StringBuilder cell = new StringBuilder();
        boolean quoted = false;
        for (int i = 0; i < line.length(); i++) {
            char ch = line.charAt(i);
            if (quoted) {
                if (ch == '"' && i + 1 < line.length() && line.charAt(i + 1) == '"') {
                    cell.append('"');
                    i++;
                } else if (ch == '"') {
                    quoted = false;
                } else {
                    cell.append(ch);
                }
            } else if (ch == '"') {
                quoted = true;
            } else if (ch == ',') {
                cells.add(cell.toString());
                cell.setLength(0);
            } else {
                cell.append(ch);
            }
        }
        cells.add(cell.toString());
        return cells;
    }
}
