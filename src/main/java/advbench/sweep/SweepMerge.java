package advbench.sweep;

import advbench.UserError;
import advbench.figures.Configuration;
import advbench.figures.FigureOptions;
import advbench.figures.Figures;
import advbench.figures.RunData;
import advbench.report.AtomicFile;
import advbench.report.SavedPredictions;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A sweep's merged outputs, from its folder alone ({@code variants.csv} and each variant's
 * {@code run.path}): one accuracy figure with the mean over seeds and a band per grid cell, the
 * LaTeX and Markdown tables of mean +- std, and {@code runs.csv}, every finished run's metrics.csv
 * rows with the variant and its swept values in front (one tidy table for pandas or R).
 * Variants not finished are left out and counted.
 */
public final class SweepMerge {
    public static final String RUNS_CSV = "runs.csv";

    private SweepMerge() {}

    /** Whether a folder is a sweep folder (what bench figures merges instead of drawing one run). */
    public static boolean isSweepFolder(Path dir) {
        return Files.isRegularFile(dir.resolve("variants.csv")) && Files.isDirectory(dir.resolve("variants"));
    }

    public static Path defaultOut(Path folder) {
        return folder.resolve("merged");
    }

    /** What was written, and how many variants were not finished (left out). */
    public record Merged(Figures.Result figures, int runs, int missing) {}

    public static Merged merge(Path folder, Path out, FigureOptions options) {
        List<String> lines = read(folder.resolve("variants.csv"));
        List<String> keys = SavedPredictions.split(lines.get(0));
        if (keys.isEmpty() || !keys.get(0).equals("variant")) {
            throw new UserError(folder.resolve("variants.csv") + ": line 1: expected variant and the swept keys");
        }
        Map<String, List<RunData>> cells = new LinkedHashMap<>();
        StringBuilder csv = new StringBuilder();
        int missing = 0;
        int runs = 0;
        for (int n = 1; n < lines.size(); n++) {
            List<String> row = SavedPredictions.split(lines.get(n));
            if (row.size() != keys.size()) {
                throw new UserError(folder.resolve("variants.csv") + ": line " + (n + 1) + ": " + row.size() + " cells, expected " + keys.size());
            }
            if (!row.get(0).matches("\\d{1,6}")) {
                throw new UserError(folder.resolve("variants.csv") + ": line " + (n + 1) + ": '" + row.get(0) + "' is not a variant number");
            }
            Path runPath = folder.resolve("variants").resolve(row.get(0)).resolve(VariantStatus.RUN_PATH);
            Path runDir = Files.isRegularFile(runPath) ? Path.of(read(runPath).get(0).strip()) : null;
            if (runDir == null || !Files.isRegularFile(runDir.resolve("manifest.json"))) {
                missing++;
                continue;
            }
            RunData run = RunData.load(runDir);
            runs++;
            List<String> cell = new ArrayList<>();
            for (int k = 1; k < keys.size(); k++) {
                if (!keys.get(k).equals("seed")) {
                    cell.add(keys.get(k) + "=" + row.get(k));
                }
            }
            cells.computeIfAbsent(cell.isEmpty() ? run.experiment() : String.join(" ", cell), c -> new ArrayList<>()).add(run);
            List<String> metrics = read(runDir.resolve("metrics.csv"));
            // the variant and its swept values in front; the seed is already a column of metrics.csv
            List<Integer> front = new ArrayList<>();
            for (int k = 0; k < keys.size(); k++) {
                if (!keys.get(k).equals("seed")) {
                    front.add(k);
                }
            }
            if (csv.isEmpty()) {
                csv.append(String.join(",", front.stream().map(k -> SavedPredictions.quote(keys.get(k))).toList())).append(',').append(metrics.get(0)).append('\n');
            }
            String prefix = String.join(",", front.stream().map(k -> SavedPredictions.quote(row.get(k))).toList()) + ",";
            metrics.subList(1, metrics.size()).stream().filter(l -> !l.isBlank()).forEach(l -> csv.append(prefix).append(l).append('\n'));
        }
        if (runs == 0) {
            throw new UserError(folder + ": no variant has finished yet (bench sweep status shows where they are)");
        }
        List<Configuration> configurations = cells.entrySet().stream().map(e -> Configuration.named(e.getKey(), e.getValue())).toList();
        Figures.Result figures = Figures.renderComparison(configurations, out, options);
        AtomicFile.write(out.resolve(RUNS_CSV), csv.toString().getBytes(StandardCharsets.UTF_8));
        List<Path> written = new ArrayList<>(figures.written());
        written.add(out.resolve(RUNS_CSV));
        return new Merged(new Figures.Result(out, List.copyOf(written), figures.skipped()), runs, missing);
    }

    private static List<String> read(Path file) {
        try {
            List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
            if (lines.isEmpty()) {
                throw new UserError(file + ": empty");
            }
            return lines;
        } catch (IOException | java.io.UncheckedIOException e) {
            throw new UserError(file + ": cannot be read (" + advbench.Errors.reason(e) + ")");
        }
    }
}
