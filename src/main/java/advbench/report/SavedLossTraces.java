package advbench.report;

import advbench.UserError;
import advbench.eval.LossTrace;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * loss-traces.csv: the traced attack runs the indicators of attack failure read, one row per
 * model, attack, sample and iterate (a tidy table: {@code model,attack,epsilon,sample,step,loss,fooled},
 * step 0 the start), so the traces can be drawn again or analysed elsewhere. Written when the
 * indicators ran and traced at least one attack.
 */
public final class SavedLossTraces {
    public static final String FILE = "loss-traces.csv";
    static final List<String> COLUMNS = List.of("model", "attack", "epsilon", "sample", "step", "loss", "fooled");

    private SavedLossTraces() {}

    /** The table of each model's traces (by model label, in order), or null when no model has one. */
    static String toCsv(Map<String, List<LossTrace>> byModel) {
        if (byModel.values().stream().allMatch(List::isEmpty)) {
            return null;
        }
        StringBuilder sb = new StringBuilder(String.join(",", COLUMNS)).append('\n');
        for (Map.Entry<String, List<LossTrace>> m : byModel.entrySet()) {
            for (LossTrace t : m.getValue()) {
                String prefix = SavedPredictions.quote(m.getKey()) + "," + SavedPredictions.quote(t.attack()) + "," + t.epsilon() + ",";
                for (int s = 0; s < t.samples().length; s++) {
                    for (int step = 0; step < t.loss()[s].length; step++) {
                        sb.append(prefix).append(t.samples()[s]).append(',').append(step).append(',').append(t.loss()[s][step]).append(',')
                                .append(t.success()[s][step] ? 1 : 0).append('\n');
                    }
                }
            }
        }
        return sb.toString();
    }

    /** Per model (in order of appearance), its traces; any malformed line is a user error naming it. */
    public static Map<String, List<LossTrace>> read(Path file) {
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (IOException | java.io.UncheckedIOException e) {
            throw new UserError(file + ": unreadable (" + advbench.Errors.reason(e) + ")");
        }
        if (lines.isEmpty() || !SavedPredictions.split(lines.get(0)).equals(COLUMNS)) {
            throw new UserError(file + ": line 1: expected the columns " + String.join(",", COLUMNS));
        }
        // model -> attack@eps -> sample -> its losses and successes, steps in order
        Map<String, Map<String, Builder>> models = new LinkedHashMap<>();
        for (int n = 1; n < lines.size(); n++) {
            if (lines.get(n).isEmpty()) {
                continue;
            }
            List<String> c = SavedPredictions.split(lines.get(n));
            String where = file + ": line " + (n + 1) + ": ";
            if (c.size() != COLUMNS.size()) {
                throw new UserError(where + c.size() + " cells, expected " + COLUMNS.size());
            }
            double eps;
            int sample;
            int step;
            float loss;
            try {
                eps = Double.parseDouble(c.get(2));
                sample = Integer.parseInt(c.get(3));
                step = Integer.parseInt(c.get(4));
                loss = Float.parseFloat(c.get(5));
            } catch (NumberFormatException e) {
                throw new UserError(where + "epsilon, sample, step and loss must be numbers");
            }
            if (!c.get(6).equals("0") && !c.get(6).equals("1")) {
                throw new UserError(where + "fooled must be 0 or 1, got '" + c.get(6) + "'");
            }
            Builder b = models.computeIfAbsent(c.get(0), k -> new LinkedHashMap<>())
                    .computeIfAbsent(c.get(1) + "@" + eps, k -> new Builder(c.get(1), eps));
            b.add(sample, step, loss, c.get(6).equals("1"), where);
        }
        Map<String, List<LossTrace>> out = new LinkedHashMap<>();
        models.forEach((model, traces) -> out.put(model, traces.values().stream().map(Builder::build).toList()));
        return out;
    }

    /** One trace as its rows come: samples one after another, each from step 0 up. */
    private static final class Builder {
        private final String attack;
        private final double epsilon;
        private final List<Integer> samples = new ArrayList<>();
        private final List<List<Float>> losses = new ArrayList<>();
        private final List<List<Boolean>> fooled = new ArrayList<>();

        Builder(String attack, double epsilon) {
            this.attack = attack;
            this.epsilon = epsilon;
        }

        void add(int sample, int step, float loss, boolean success, String where) {
            boolean next = samples.isEmpty() || samples.get(samples.size() - 1) != sample;
            if (next) {
                if (step != 0) {
                    throw new UserError(where + "sample " + sample + " starts at step " + step + ", not 0");
                }
                samples.add(sample);
                losses.add(new ArrayList<>());
                fooled.add(new ArrayList<>());
            } else if (step != losses.get(losses.size() - 1).size()) {
                throw new UserError(where + "step " + step + " of sample " + sample + " is out of order");
            }
            losses.get(losses.size() - 1).add(loss);
            fooled.get(fooled.size() - 1).add(success);
        }

        LossTrace build() {
            float[][] loss = new float[samples.size()][];
            boolean[][] success = new boolean[samples.size()][];
            for (int s = 0; s < samples.size(); s++) {
                loss[s] = new float[losses.get(s).size()];
                success[s] = new boolean[losses.get(s).size()];
                for (int t = 0; t < loss[s].length; t++) {
                    loss[s][t] = losses.get(s).get(t);
                    success[s][t] = fooled.get(s).get(t);
                }
            }
            return new LossTrace(attack, epsilon, samples.stream().mapToInt(Integer::intValue).toArray(), loss, success);
        }
    }
}
