package advbench.figures;

import advbench.UserError;
import advbench.report.AtomicFile;
import advbench.report.Epsilons;
import advbench.report.OutputFolder;
import advbench.report.SavedExamples;
import advbench.report.SavedPredictions;
import advbench.report.SavedRun;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.jfree.chart.JFreeChart;

/**
 * {@code bench figures}: redraws the figures and tables of finished runs from their saved files
 * (metrics.json, examples.json, predictions.csv), without a model, so a figure can be tweaked
 * for a paper in seconds.
 *
 * <p>One run: its accuracy plot(s), accuracy tables, example grid(s) and confusion matrices, in
 * {@code <run>/figures} unless told otherwise. Several runs: one accuracy figure and one table
 * comparing them all (runs that differ only in seed averaged with a band), plus a sub-folder per
 * run with that run's own figures.
 *
 * <p>Everything is checked and drawn in memory before the first file is written, and each file
 * is written under a temporary name and renamed: bad input leaves earlier figures untouched.
 */
public final class Figures {
    private Figures() {}

    /** What was written, and one line for each thing skipped and why. */
    public record Result(Path out, List<Path> written, List<String> skipped) {}

    /** A figure or table ready to be written. */
    private record Output(Path path, byte[] content) {}

    /** The default output folder of a single run. */
    public static Path defaultOut(Path run) {
        return run.resolve("figures");
    }

    public static Result render(List<Path> runDirs, Path out, FigureOptions options) {
        if (runDirs.isEmpty()) {
            throw new UserError("give at least one run folder");
        }
        Set<Path> seen = new HashSet<>();
        for (Path p : runDirs) {
            if (!seen.add(p.toAbsolutePath().normalize())) {
                throw new UserError(p + ": given twice");
            }
        }
        if (out == null && runDirs.size() > 1) {
            throw new UserError("--out DIR is required to compare several runs (where should the comparison go?)");
        }
        Path target = out != null ? out : defaultOut(runDirs.get(0));
        OutputFolder.checkWritable(target, "--out");
        return draw(runDirs.stream().map(RunData::load).toList(), target, options);
    }

    /**
     * A run's own figures, drawn into its folder as the run records itself, before its manifest
     * (the mark of a finished run) is written.
     */
    public static Result renderOwn(Path runDir, FigureOptions options) {
        return draw(List.of(RunData.of(SavedRun.readUnfinished(runDir))), runDir, options);
    }

    private static Result draw(List<RunData> runs, Path target, FigureOptions options) {
        // every choice is checked against every run before anything is drawn or written
        List<Picks> picks = runs.stream().map(run -> Picks.of(run, options)).toList();

        List<Output> outputs = new ArrayList<>();
        List<String> skipped = new ArrayList<>();
        if (runs.size() == 1) {
            runFigures(runs.get(0), picks.get(0), target, options, outputs, skipped);
        } else {
            List<Configuration> configurations = Configuration.group(runs);
            accuracy(configurations, target, options, outputs);
            Set<String> names = new HashSet<>();
            for (int r = 0; r < runs.size(); r++) {
                RunData run = runs.get(r);
                String name = run.experiment() + "_" + run.runId();
                for (int k = 2; !names.add(name); k++) {
                    name = run.experiment() + "_" + run.runId() + "-" + k;
                }
                runFigures(run, picks.get(r), target.resolve(name), options, outputs, skipped);
            }
        }
        List<Path> written = new ArrayList<>();
        for (Output o : outputs) {
            AtomicFile.write(o.path(), o.content());
            written.add(o.path());
        }
        return new Result(target, List.copyOf(written), List.copyOf(skipped));
    }

    /**
     * One accuracy figure (mean over each configuration's runs, with a band) and one table
     * (mean +- std) per norm for configurations grouped by the caller: a sweep's merged outputs.
     */
    public static Result renderComparison(List<Configuration> configurations, Path out, FigureOptions options) {
        OutputFolder.checkWritable(out, "--out");
        List<Output> outputs = new ArrayList<>();
        accuracy(configurations, out, options, outputs);
        List<Path> written = new ArrayList<>();
        for (Output o : outputs) {
            AtomicFile.write(o.path(), o.content());
            written.add(o.path());
        }
        return new Result(out, List.copyOf(written), List.of());
    }

    /** The attacks a run's confusion matrix and grid show, checked against its metrics. */
    private record Picks(AttackPick confusion, List<AttackPick> grid) {
        static Picks of(RunData run, FigureOptions options) {
            AttackPick confusion = options.confusion() != null ? options.confusion().checkIn(run, "--confusion")
                    : AttackPick.defaultConfusion(run);
            List<AttackPick> grid = options.grid() != null
                    ? options.grid().stream().map(p -> p.checkIn(run, "--grid")).toList() : AttackPick.defaultGrid(run);
            return new Picks(confusion, grid);
        }
    }

    /** The figures and tables of one run. */
    private static void runFigures(RunData run, Picks picks, Path dir, FigureOptions options, List<Output> outputs,
                                   List<String> skipped) {
        accuracy(List.of(new Configuration(run.experiment(), List.of(run))), dir, options, outputs);
        FigureStyle style = options.style();
        if (run.models().stream().anyMatch(m -> !m.smoothing().isEmpty())) {
            figure(dir, "smoothing_certified_radius", AccuracyFigure.drawing(SmoothingFigure.chart(run.models(), style)), options.width(),
                    options.height(), options, outputs);
        }
        for (RunData.ModelResult model : run.models()) {
            String suffix = suffix(run, model.name());
            if (run.predictions() != null) {
                SavedPredictions.ModelPredictions p = predictionsOf(run, model.name());
                if (p != null) {
                    int classes = run.shape().classes();
                    figure(dir, "confusion_clean" + suffix, new ConfusionFigure(ConfusionFigure.count(p.labels(), p.clean(), classes),
                                    run.shape(), style), options.width(), options.height(), options, outputs);
                    if (picks.confusion() != null) {
                        int[] predicted = predictedUnder(p, picks.confusion());
                        if (predicted != null) {
                            figure(dir, "confusion_" + picks.confusion().slug() + suffix,
                                    new ConfusionFigure(ConfusionFigure.count(p.labels(), predicted, classes), run.shape(), style),
                                    options.width(), options.height(), options, outputs);
                        }
                    }
                    continue;
                }
            }
            if (model.confusion() != null) { // older runs: the clean matrix is in metrics.json
                figure(dir, "confusion_clean" + suffix, new ConfusionFigure(model.confusion(), run.shape(), style),
                        options.width(), options.height(), options, outputs);
            }
        }
        if (run.examples() != null) {
            for (SavedExamples.ModelExamples ex : run.examples().models()) {
                List<SavedExamples.AttackImages> rows = new ArrayList<>();
                for (AttackPick pick : picks.grid()) {
                    ex.attacks().stream().filter(a -> a.attack().equals(pick.attack()) && Epsilons.same(a.epsilon(), pick.epsilon()))
                            .findFirst().ifPresent(rows::add);
                }
                ExampleGridFigure grid = new ExampleGridFigure(ex, rows, run.shape(), options.gridSamples(), style);
                figure(dir, "adversarial_grid" + suffix(run, ex.model()), grid, options.width(), grid.height(options.width()),
                        options, outputs);
            }
        }
        if (run.lossTraces() != null) {
            run.lossTraces().forEach((model, traces) -> {
                for (advbench.eval.LossTrace trace : traces) {
                    if (LossTraceFigure.unfooled(trace) == 0) {
                        skipped.add(run.dir() + ": " + model + ", " + trace.attack() + ": every traced sample was fooled, no loss trace to draw");
                        continue;
                    }
                    figure(dir, "loss_traces_" + slug(trace.attack()) + suffix(run, model),
                            AccuracyFigure.drawing(LossTraceFigure.chart(trace, style)), options.width(), options.height(), options, outputs);
                }
            });
        }
        if (run.examples() == null || run.predictions() == null) {
            List<String> files = new ArrayList<>();
            List<String> figures = new ArrayList<>();
            if (run.examples() == null) {
                files.add(SavedExamples.FILE);
                figures.add("the example grid");
            }
            if (run.predictions() == null) {
                files.add(SavedPredictions.FILE);
                figures.add("the confusion matrix under attack (the clean one comes from metrics.json)");
            }
            skipped.add(run.dir() + ": no " + String.join(" or ", files) + " (the run predates them), so no "
                    + String.join(" and no ", figures) + "; re-run the experiment to get them");
        }
    }

    /** Accuracy figure(s) and tables, one set per norm. */
    private static void accuracy(List<Configuration> configurations, Path dir, FigureOptions options, List<Output> outputs) {
        for (String norm : AccuracyData.norms(configurations)) {
            AccuracyData data = AccuracyData.of(configurations, norm);
            if (data.isEmpty()) {
                continue;
            }
            String suffix = norm.equals("L-inf") ? "" : "_" + slug(norm);
            JFreeChart chart = AccuracyFigure.chart(data, options.style(), options.band());
            figure(dir, "accuracy_vs_epsilon" + suffix, AccuracyFigure.drawing(chart), options.width(), options.height(), options, outputs);
            outputs.add(new Output(dir.resolve("accuracy_table" + suffix + ".tex"), utf8(AccuracyTable.latex(data))));
            outputs.add(new Output(dir.resolve("accuracy_table" + suffix + ".md"), utf8(AccuracyTable.markdown(data))));
        }
    }

    private static void figure(Path dir, String base, Drawing drawing, double width, double height, FigureOptions options,
                               List<Output> outputs) {
        for (FigureFormat format : options.formats()) {
            outputs.add(new Output(dir.resolve(base + "." + format.extension()), format.render(drawing, width, height, options.dpi())));
        }
    }

    /** "" for the baseline, "_defended" for the adversarially trained model (as bench run names its grid). */
    private static String suffix(RunData run, String model) {
        return run.models().get(0).name().equals(model) ? "" : "_defended";
    }

    private static SavedPredictions.ModelPredictions predictionsOf(RunData run, String model) {
        return run.predictions().models().stream().filter(m -> m.model().equals(model)).findFirst().orElse(null);
    }

    private static int[] predictedUnder(SavedPredictions.ModelPredictions p, AttackPick pick) {
        return p.attacks().entrySet().stream()
                .filter(e -> e.getKey().attack().equals(pick.attack()) && Epsilons.same(e.getKey().epsilon(), pick.epsilon()))
                .map(Map.Entry::getValue).findFirst().orElse(null);
    }

    /** A name as part of a file name: lower case, anything but letters and digits as '-'. */
    static String slug(String name) {
        String s = name.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9.]+", "-").replaceAll("^-+|-+$", "");
        return s.isEmpty() ? "attack" : s;
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
