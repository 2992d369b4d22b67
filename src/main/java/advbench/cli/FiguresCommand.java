package advbench.cli;

import advbench.UserError;
import advbench.figures.AccuracyFigure;
import advbench.figures.AttackPick;
import advbench.figures.FigureFormat;
import advbench.figures.FigureOptions;
import advbench.figures.FigureStyle;
import advbench.figures.Figures;
import advbench.figures.Length;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code bench figures RUN...}: redraws a run's figures and tables for a paper from its saved
 * files, or compares several runs in one figure. Written files on stdout, one per line; what was
 * skipped on stderr.
 */
@Command(name = "figures", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Redraw publication figures and tables from finished runs, without a model: accuracy against "
                + "epsilon (PNG, SVG, PDF), accuracy tables (LaTeX booktabs, Markdown), the adversarial example grid "
                + "and confusion matrices.",
                "One run: into RUN/figures. Several runs: one comparison figure and table in --out (runs that differ "
                        + "only in seed are averaged, with a band), and a sub-folder per run."})
final class FiguresCommand implements Callable<Integer> {

    @Parameters(paramLabel = "RUN", arity = "1..*", description = "finished run folder(s), e.g. results/fgsm-mnist/<run-id>")
    List<Path> runs;

    @Option(names = "--out", paramLabel = "DIR", description = "output folder (default: RUN/figures; required for several runs)")
    Path out;

    @Option(names = "--format", paramLabel = "FMT", split = ",", defaultValue = "png,svg,pdf",
            description = "png, svg and/or pdf (default: ${DEFAULT-VALUE})")
    List<String> formats;

    @Option(names = "--width", paramLabel = "LENGTH", defaultValue = "3.3in",
            description = "figure width with a unit: in, pt, cm or mm (default: ${DEFAULT-VALUE}, one column)")
    String width;

    @Option(names = "--height", paramLabel = "LENGTH", defaultValue = "2.5in",
            description = "figure height (default: ${DEFAULT-VALUE}); a grid takes the height its rows need")
    String height;

    @Option(names = "--dpi", paramLabel = "N", defaultValue = "300",
            description = "PNG resolution: pixels = inches x dpi (default: ${DEFAULT-VALUE})")
    int dpi;

    @Option(names = "--font-size", paramLabel = "PT", defaultValue = "8",
            description = "font size in points; tick labels and captions a point smaller (default: ${DEFAULT-VALUE})")
    String fontSize;

    @Option(names = "--title", paramLabel = "TEXT", description = "title above every figure (default: none; papers use captions)")
    String title;

    @Option(names = "--confusion", paramLabel = "ATTACK@EPS",
            description = "attack and epsilon of the second confusion matrix, such as FGSM@0.15 (default: the middle epsilon of "
                    + "the first attack's sweep, and there the attack that leaves the baseline the lowest accuracy)")
    String confusion;

    @Option(names = "--grid", paramLabel = "ATTACK@EPS", split = ",",
            description = "rows of the example grid (default: every attack at the middle epsilon of its sweep)")
    List<String> grid;

    @Option(names = "--grid-samples", paramLabel = "N", defaultValue = "10",
            description = "columns of the example grid, at most as many as the run saved (default: ${DEFAULT-VALUE})")
    int gridSamples;

    @Option(names = "--band", paramLabel = "minmax|std", defaultValue = "minmax",
            description = "band around the mean of several seeds: minmax or std (+-1 sample standard deviation; "
                    + "tables always give mean +- std) (default: ${DEFAULT-VALUE})")
    String band;

    @Option(names = "--verbose", description = "show stack traces")
    boolean verbose;

    @Override
    public Integer call() {
        long start = System.nanoTime();
        if (runs.size() == 1 && advbench.sweep.SweepMerge.isSweepFolder(runs.get(0))) {
            Path target = out != null ? out : advbench.sweep.SweepMerge.defaultOut(runs.get(0));
            advbench.sweep.SweepMerge.Merged merged = advbench.sweep.SweepMerge.merge(runs.get(0), target, options());
            merged.figures().written().forEach(System.out::println);
            System.err.printf(Locale.ROOT, "bench figures: sweep of %d finished runs%s, %d files in %s (%.1f s)%n", merged.runs(),
                    merged.missing() > 0 ? " (" + merged.missing() + " variants not finished, left out)" : "",
                    merged.figures().written().size(), target, (System.nanoTime() - start) / 1e9);
            return 0;
        }
        Figures.Result result = Figures.render(runs, out, options());
        result.written().forEach(System.out::println);
        result.skipped().forEach(s -> System.err.println("skipped: " + s));
        System.err.printf(Locale.ROOT, "bench figures: %d files in %s (%.1f s)%n", result.written().size(), result.out(),
                (System.nanoTime() - start) / 1e9);
        return 0;
    }

    /** Every option checked, each with a one-line message naming it. */
    FigureOptions options() {
        List<FigureFormat> chosen = new ArrayList<>();
        for (String f : formats) {
            FigureFormat format = FigureFormat.byName(f);
            if (format == null) {
                throw new UserError("--format: unknown format '" + f.strip() + "' (expected png, svg or pdf)");
            }
            if (!chosen.contains(format)) {
                chosen.add(format);
            }
        }
        // 0.5 to 40 inches covers a thumbnail to a poster
        double w = Length.parse(width, "--width", 36, 2880).points();
        double h = Length.parse(height, "--height", 36, 2880).points();
        if (dpi < 36 || dpi > 2400) {
            throw new UserError("--dpi: must be between 36 and 2400, got " + dpi);
        }
        double font = parseFontSize(fontSize);
        if (gridSamples < 1) {
            throw new UserError("--grid-samples: must be at least 1, got " + gridSamples);
        }
        AccuracyFigure.Band b = switch (band.toLowerCase(Locale.ROOT)) {
            case "minmax" -> AccuracyFigure.Band.MINMAX;
            case "std" -> AccuracyFigure.Band.STD;
            default -> throw new UserError("--band: expected minmax or std, got '" + band + "'");
        };
        return new FigureOptions(List.copyOf(chosen), w, h, dpi, new FigureStyle(font, title), b,
                confusion == null ? null : AttackPick.parse(confusion, "--confusion"),
                grid == null ? null : grid.stream().map(g -> AttackPick.parse(g, "--grid")).toList(), gridSamples);
    }

    private static double parseFontSize(String text) {
        String t = text.strip().toLowerCase(Locale.ROOT);
        try {
            double size = Double.parseDouble(t.endsWith("pt") ? t.substring(0, t.length() - 2) : t);
            if (size >= 4 && size <= 72) {
                return size;
            }
        } catch (NumberFormatException e) {
            // falls through to the message below
        }
        throw new UserError("--font-size: expected points between 4 and 72, such as 8 or 8pt, got '" + text + "'");
    }
}
