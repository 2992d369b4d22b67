package advbench.benchmark;

import advbench.Json;
import advbench.RunFailure;
import advbench.RunLog;
import advbench.UserError;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * The same work timed in the workbench and in eager PyTorch, pair by pair: each pair runs the
 * workbench's process, then PyTorch's, so that the machine's drift (10-20% from one spell to
 * the next here) falls on both sides of a ratio alike. Each side is a fresh process that prints
 * one JSON line last with the seconds of its timed span; the process's wall time, startup and
 * data loading included, is kept beside it. With recorded figures instead of a Python to run,
 * the PyTorch side is the median of what was recorded, and only the workbench runs.
 */
public final class PyTorchComparison {
    private final Path logFile;
    private final RunLog log;

    /** @param logFile every child process's output is appended here */
    public PyTorchComparison(Path logFile, RunLog log) {
        this.logFile = logFile;
        this.log = log;
    }

    /** One side's run: the timed span, and the whole process. */
    public record Side(double seconds, double processSeconds) {}

    /** @param pytorch null where the PyTorch figure was recorded, not run */
    public record Pair(Side workbench, Side pytorch) {}

    /**
     * A phase's pairs. {@code speedup} is PyTorch's time over the workbench's, pair by pair (above 1:
     * the workbench is faster), as median, min and max.
     */
    public record Row(String phase, String work, String pytorchSource, List<Pair> pairs, double workbenchMedian, double pytorchMedian,
                      double[] speedup, double[] processSpeedup) {}

    /** Runs {@code pairs} pairs of the two commands, or, with {@code recorded} seconds, the workbench's alone. */
    public Row measure(String phase, String work, List<String> workbench, List<String> pytorch, Double recorded, int pairs) {
        List<Pair> done = new ArrayList<>();
        for (int p = 1; p <= pairs; p++) {
            Side ours = run(workbench);
            Side theirs = recorded == null ? run(pytorch) : null;
            done.add(new Pair(ours, theirs));
            log.info(String.format(Locale.ROOT, "%s, pair %d/%d: workbench %.2f s (process %.2f s), PyTorch %s", phase, p, pairs,
                    ours.seconds(), ours.processSeconds(), theirs == null ? String.format(Locale.ROOT, "%.2f s recorded", recorded)
                            : String.format(Locale.ROOT, "%.2f s (process %.2f s)", theirs.seconds(), theirs.processSeconds())));
        }
        double[] speedup = new double[done.size()];
        double[] process = new double[done.size()];
        double[] ourSeconds = new double[done.size()];
        double[] theirSeconds = new double[done.size()];
        for (int i = 0; i < done.size(); i++) {
            Pair pair = done.get(i);
            ourSeconds[i] = pair.workbench().seconds();
            theirSeconds[i] = pair.pytorch() == null ? recorded : pair.pytorch().seconds();
            speedup[i] = theirSeconds[i] / ourSeconds[i];
            process[i] = pair.pytorch() == null ? Double.NaN : pair.pytorch().processSeconds() / pair.workbench().processSeconds();
        }
        return new Row(phase, work, recorded == null ? "run" : "recorded", List.copyOf(done), median(ourSeconds), median(theirSeconds),
                spread(speedup), spread(process));
    }

    /** The table: one line per phase. */
    public static String table(List<Row> rows, String machine) {
        StringBuilder t = new StringBuilder("same work side by side (" + machine + "); speed-up = PyTorch's time / the workbench's, pair by pair\n");
        t.append(String.format(Locale.ROOT, "%-11s %-38s %10s %10s %22s %22s%n", "phase", "work", "workbench", "PyTorch", "speed-up med (min-max)",
                "whole process"));
        for (Row r : rows) {
            t.append(String.format(Locale.ROOT, "%-11s %-38s %9.2fs %9.2fs %22s %22s%n", r.phase(), r.work(), r.workbenchMedian(), r.pytorchMedian(),
                    format(r.speedup()) + (r.pytorchSource().equals("recorded") ? " rec" : ""), format(r.processSpeedup())));
        }
        return t.toString();
    }

    private static String format(double[] s) {
        return Double.isNaN(s[0]) ? "-" : String.format(Locale.ROOT, "%.2fx (%.2f-%.2f)", s[0], s[1], s[2]);
    }

    /** Median, min and max. */
    private static double[] spread(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        return new double[] {median(values), sorted[0], sorted[sorted.length - 1]};
    }

    private static double median(double[] values) {
        List<Double> list = new ArrayList<>();
        for (double v : values) {
            list.add(v);
        }
        return Benchmark.median(list);
    }

    /** Runs one side to its end; its output goes to the log file; the seconds come from its last JSON line. */
    private Side run(List<String> command) {
        long start = System.nanoTime();
        Process process;
        long offset;
        try {
            offset = Files.exists(logFile) ? Files.size(logFile) : 0;
            Files.writeString(logFile, "$ " + String.join(" ", command) + "\n", StandardCharsets.UTF_8,
                    StandardOpenOption.CREATE, StandardOpenOption.APPEND);
            process = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile())).start();
        } catch (IOException e) {
            throw new UserError("cannot start " + command.get(0) + ": " + advbench.Errors.describe(e));
        }
        int code;
        try {
            code = process.waitFor();
        } catch (InterruptedException e) {
            process.destroy();
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
        double wall = (System.nanoTime() - start) / 1e9;
        String output = readLog(offset);
        if (code != 0) {
            throw new RunFailure(command.get(0) + " ... " + String.join(" ", command.subList(Math.max(1, command.size() - 6), command.size()))
                    + " exited with " + code + "; its output is in " + logFile);
        }
        return new Side(lastSeconds(output, logFile), wall);
    }

    /** What the log holds from {@code offset} on: this process's output alone. */
    private String readLog(long offset) {
        try {
            byte[] all = Files.readAllBytes(logFile);
            return new String(all, (int) offset, all.length - (int) offset, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The "seconds" of the last line that is a JSON object. */
    static double lastSeconds(String output, Path where) {
        String[] lines = output.split("\n");
        for (int i = lines.length - 1; i >= 0; i--) {
            String line = lines[i].strip();
            if (line.startsWith("{") && line.endsWith("}")) {
                try {
                    JsonNode seconds = Json.MAPPER.readTree(line).get("seconds");
                    if (seconds != null && seconds.isNumber()) {
                        return seconds.asDouble();
                    }
                } catch (IOException e) {
                    // not JSON after all: look further up
                }
            }
        }
        throw new RunFailure("no JSON line with \"seconds\" in the output in " + where);
    }

    /**
     * Recorded PyTorch figures: the JSON lines scripts/pytorch-baseline.py printed (other lines are
     * skipped), the median seconds per phase.
     */
    public static Map<String, Double> recorded(Path file) {
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (IOException | UncheckedIOException e) {
            throw new UserError("--pytorch-figures: cannot read " + file + ": " + advbench.Errors.reason(e));
        }
        Map<String, List<Double>> byPhase = new TreeMap<>();
        for (String line : lines) {
            String s = line.strip();
            if (!s.startsWith("{")) {
                continue;
            }
            try {
                JsonNode node = Json.MAPPER.readTree(s);
                JsonNode phase = node.get("phase");
                JsonNode seconds = node.get("seconds");
                if (phase != null && phase.isTextual() && seconds != null && seconds.isNumber() && seconds.asDouble() > 0
                        && Double.isFinite(seconds.asDouble())) {
                    byPhase.computeIfAbsent(phase.asText(), k -> new ArrayList<>()).add(seconds.asDouble());
                }
            } catch (IOException e) {
                // a line that only looks like JSON: skipped like the others
            }
        }
        if (byPhase.isEmpty()) {
            throw new UserError("--pytorch-figures: " + file + " holds no line like {\"phase\": \"train\", \"seconds\": 18.5}"
                    + " (the last line scripts/pytorch-baseline.py prints)");
        }
        Map<String, Double> medians = new TreeMap<>();
        byPhase.forEach((k, v) -> medians.put(k, Benchmark.median(v)));
        return medians;
    }
}
