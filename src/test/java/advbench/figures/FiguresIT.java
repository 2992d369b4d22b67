package advbench.figures;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import advbench.Json;
import advbench.RunLog;
import advbench.cli.BenchCommandTest.Outcome;
import advbench.cli.BenchCommandTest;
import advbench.experiment.ExperimentLoader;
import advbench.experiment.ExperimentRunner;
import advbench.model.Engines;
import advbench.report.SavedExamples;
import advbench.report.SavedPredictions;
import com.fasterxml.jackson.databind.JsonNode;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import javax.xml.parsers.DocumentBuilderFactory;
import org.apache.pdfbox.Loader;
import org.apache.pdfbox.pdmodel.PDDocument;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.LegendItem;
import org.jfree.chart.LegendItemCollection;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * bench figures on real runs: a tiny experiment (a baseline and an FGSM-RS model on a small MNIST
 * subset, FGSM and PGD) run with two seeds, then every figure and table redrawn from the run
 * folders alone.
 */
class FiguresIT {
    static final String EXPERIMENT = """
            name: figs
            seed: 3
            dataset:
              name: mnist
              train_subset: 600
              test_subset: 120
            model:
              architecture: small-cnn
              epochs: 1
              batch_size: 32
            defence:
              method: fgsm-rs
              epsilon: 0.2
              epochs: 1
              batch_size: 50
              holdout: 60
            attacks:
              - type: fgsm
              - type: pgd
                steps: 3
            epsilons: [0.0, 0.1, 0.2, 0.3]
            evaluation:
              batch_size: 120
            outputs:
              grid_samples: 5
            """;

    @TempDir
    static Path tmp;
    static Path runA;
    static Path runB;

    @BeforeAll
    static void twoSeeds() throws IOException {
        Engines.configure(0);
        Map<String, String> env = new HashMap<>(System.getenv());
        env.put("BENCH_CACHE", tmp.resolve("cache").toString()); // train here, leave the user's cache alone
        runA = run("figs.yaml", EXPERIMENT, env);
        runB = run("figs-seed4.yaml", EXPERIMENT.replace("seed: 3", "seed: 4"), env);
    }

    private static Path run(String name, String yaml, Map<String, String> env) throws IOException {
        Path file = Files.writeString(tmp.resolve(name), yaml);
        ExperimentRunner.Options options = new ExperimentRunner.Options(tmp.resolve("results"), null, tmp, env, false);
        return new ExperimentRunner(RunLog.silent()).run(ExperimentLoader.load(file), file, options).runDir();
    }

    static Outcome bench(String... args) {
        return BenchCommandTest.bench(args);
    }

    /** Renders run A once at 100 dpi (3.3 x 2.5 in = 330 x 250 px) and returns the folder. */
    static synchronized Path singleRunFigures() {
        Path out = tmp.resolve("single");
        if (!Files.isDirectory(out)) {
            Outcome o = bench("figures", runA.toString(), "--out", out.toString(), "--dpi", "100");
            assertEquals(0, o.code(), o.err());
        }
        return out;
    }

    @Test
    void runsSaveTheGridImagesAndEveryPrediction() throws IOException {
        JsonNode metrics = Json.MAPPER.readTree(runA.resolve("metrics.json").toFile());
        SavedPredictions predictions = SavedPredictions.read(runA.resolve(SavedPredictions.FILE));
        assertEquals(List.of("baseline", "fgsm-rs"), predictions.models().stream().map(SavedPredictions.ModelPredictions::model).toList());
        SavedPredictions.ModelPredictions base = predictions.models().get(0);
        assertEquals(120, base.labels().length);
        assertEquals(8, base.attacks().size(), "2 attacks x 4 epsilons");
        // the saved predictions reproduce the accuracies of metrics.json
        int[] fgsm = base.predicted(new SavedPredictions.Column("FGSM", 0.2));
        int correct = 0;
        for (int i = 0; i < fgsm.length; i++) {
            correct += fgsm[i] == base.labels()[i] ? 1 : 0;
        }
        assertEquals(metrics.at("/attacks/0/points/2/accuracy").asDouble(), correct / 120.0, 1e-12);

        SavedExamples examples = SavedExamples.read(runA.resolve(SavedExamples.FILE));
        assertEquals(2, examples.models().size());
        SavedExamples.ModelExamples ex = examples.models().get(0);
        assertEquals(5, ex.count());
        assertArrayEquals(java.util.Arrays.copyOf(base.labels(), 5), ex.labels());
        assertArrayEquals(java.util.Arrays.copyOf(base.clean(), 5), ex.clean().predicted());
        float[] clean = ex.clean().floats();
        assertEquals(5 * 28 * 28, clean.length);
        for (SavedExamples.AttackImages row : ex.attacks()) {
            assertEquals("L-inf", row.norm());
            float[] adv = row.images().floats();
            for (int i = 0; i < adv.length; i++) {
                assertTrue(Math.abs(adv[i] - clean[i]) <= row.epsilon() + 1e-6, "saved image within its epsilon");
            }
            for (float c : row.images().confidence()) {
                assertTrue(c > 0.1f - 1e-6 && c <= 1f + 1e-6, "softmax probability of the predicted (top) class: " + c);
            }
        }
    }

    @Test
    void singleRunWritesEveryFigureAndTable() throws IOException {
        Path out = singleRunFigures();
        // default confusion attack: the lower accuracy at the middle epsilon (0.2) of the sweep
        JsonNode m = Json.MAPPER.readTree(runA.resolve("metrics.json").toFile());
        String strongest = m.at("/attacks/1/points/2/accuracy").asDouble() < m.at("/attacks/0/points/2/accuracy").asDouble()
                ? "pgd-3" : "fgsm";
        List<String> bases = List.of("accuracy_vs_epsilon", "adversarial_grid", "adversarial_grid_defended", "confusion_clean",
                "confusion_clean_defended", "confusion_" + strongest + "_eps0.2", "confusion_" + strongest + "_eps0.2_defended");
        for (String base : bases) {
            for (String ext : List.of("png", "svg", "pdf")) {
                assertTrue(Files.isRegularFile(out.resolve(base + "." + ext)), base + "." + ext);
            }
        }
        assertTrue(Files.isRegularFile(out.resolve("accuracy_table.tex")));
        assertTrue(Files.isRegularFile(out.resolve("accuracy_table.md")));
        // the indicators traced PGD-3 on both models' subsample (all 120 images): every sample, start and 3 steps
        var traces = advbench.report.SavedLossTraces.read(runA.resolve(advbench.report.SavedLossTraces.FILE));
        assertEquals(List.of("baseline", "fgsm-rs"), List.copyOf(traces.keySet()));
        for (var modelTraces : traces.values()) {
            assertEquals(1, modelTraces.size());
            assertEquals("PGD-3", modelTraces.get(0).attack());
            assertEquals(120, modelTraces.get(0).samples().length);
            assertEquals(4, modelTraces.get(0).loss()[0].length);
        }
        for (String ext : List.of("png", "svg", "pdf")) { // the defended model leaves samples unfooled to draw
            assertTrue(Files.isRegularFile(out.resolve("loss_traces_pgd-3_defended." + ext)), ext);
        }
        try (Stream<Path> files = Files.list(out)) {
            assertTrue(files.noneMatch(p -> p.getFileName().toString().endsWith(".tmp")), "no temporary file left");
        }
    }

    @Test
    void pngHasTheRequestedPixelSize() throws IOException {
        Path out = singleRunFigures();
        for (String name : List.of("accuracy_vs_epsilon.png", "confusion_clean.png")) {
            BufferedImage img = ImageIO.read(out.resolve(name).toFile());
            assertNotNull(img, name);
            assertEquals(330, img.getWidth(), name);
            assertEquals(250, img.getHeight(), name);
        }
        BufferedImage grid = ImageIO.read(out.resolve("adversarial_grid.png").toFile());
        assertEquals(330, grid.getWidth(), "a grid keeps the width; its height follows its rows");
        // a larger, finer figure on request
        Path big = tmp.resolve("big");
        Outcome o = bench("figures", runA.toString(), "--out", big.toString(), "--format", "png", "--width", "240pt",
                "--height", "2in", "--dpi", "150", "--font-size", "9");
        assertEquals(0, o.code(), o.err());
        BufferedImage plot = ImageIO.read(big.resolve("accuracy_vs_epsilon.png").toFile());
        assertEquals(500, plot.getWidth());
        assertEquals(300, plot.getHeight());
        assertFalse(Files.exists(big.resolve("accuracy_vs_epsilon.svg")), "only the formats asked for");
    }

    @Test
    void svgParsesAsXmlWithItsSizeInPoints() throws Exception {
        Path out = singleRunFigures();
        try (Stream<Path> files = Files.list(out)) {
            List<Path> svgs = files.filter(p -> p.toString().endsWith(".svg")).toList();
            assertEquals(9, svgs.size()); // with the two models' loss traces
            for (Path svg : svgs) {
                var doc = DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(svg.toFile());
                assertEquals("svg", doc.getDocumentElement().getTagName(), svg.toString());
                if (!svg.getFileName().toString().startsWith("adversarial_grid")) {
                    assertEquals("237.6pt", doc.getDocumentElement().getAttribute("width"), svg.toString());
                }
                assertTrue(doc.getDocumentElement().getAttribute("viewBox").startsWith("0 0 237.6"), svg.toString());
            }
        }
        assertFalse(Files.readString(out.resolve("accuracy_vs_epsilon.svg")).contains("figs: "), "no title unless asked");
    }

    @Test
    void pdfHasAHeaderAndOnePageOfTheRequestedSize() throws IOException {
        Path out = singleRunFigures();
        for (String name : List.of("accuracy_vs_epsilon.pdf", "adversarial_grid.pdf", "confusion_clean.pdf")) {
            byte[] pdf = Files.readAllBytes(out.resolve(name));
            assertEquals("%PDF-", new String(pdf, 0, 5, StandardCharsets.US_ASCII), name);
            try (PDDocument doc = Loader.loadPDF(pdf)) {
                assertEquals(1, doc.getNumberOfPages(), name);
                assertEquals(237.6, doc.getPage(0).getMediaBox().getWidth(), 0.01, name);
            }
        }
    }

    @Test
    void latexTableIsBalancedWithTheRightColumnCount() throws IOException {
        String tex = Files.readString(singleRunFigures().resolve("accuracy_table.tex"));
        assertEquals(count(tex, "\\begin{"), count(tex, "\\end{"));
        assertEquals(1, count(tex, "\\begin{tabular}"));
        assertTrue(tex.indexOf("\\toprule") < tex.indexOf("\\midrule") && tex.indexOf("\\midrule") < tex.indexOf("\\bottomrule"));
        Matcher spec = Pattern.compile("\\\\begin\\{tabular\\}\\{([^}]*)\\}").matcher(tex);
        assertTrue(spec.find());
        int columns = spec.group(1).replace(" ", "").length();
        assertEquals(2 + 4, columns, "model, attack and 4 epsilons");
        int rows = 0;
        for (String line : tex.lines().toList()) {
            if (line.endsWith("\\\\")) {
                rows++;
                assertEquals(columns - 1, count(line.replace("\\&", ""), "&"), line);
            }
        }
        assertEquals(1 + 2 * 3, rows, "header, then FGSM, PGD-3 and the worst case for both models");
    }

    @Test
    void markdownTableHasConsistentColumns() throws IOException {
        List<String> rows = Files.readAllLines(singleRunFigures().resolve("accuracy_table.md")).stream()
                .filter(l -> l.startsWith("|")).toList();
        assertEquals(2 + 6, rows.size());
        for (String row : rows) {
            assertEquals(2 + 4 + 1, count(row.replace("\\|", ""), "|"), row);
        }
        assertTrue(rows.get(1).matches("\\| --- \\| --- (\\| ---: )+\\|"), rows.get(1));
    }

    @Test
    void twoSeedsMakeOneFigureWithTheMeanAndABand() throws IOException {
        Path out = tmp.resolve("seeds");
        Outcome o = bench("figures", runA.toString(), runB.toString(), "--out", out.toString(), "--format", "svg");
        assertEquals(0, o.code(), o.err());
        try (Stream<Path> files = Files.list(out)) {
            assertEquals(List.of("accuracy_vs_epsilon.svg"),
                    files.map(p -> p.getFileName().toString()).filter(n -> n.startsWith("accuracy_vs")).toList());
        }
        assertTrue(Files.isRegularFile(out.resolve("figs_" + runA.getFileName()).resolve("adversarial_grid.svg")), "each run's own figures");

        List<Configuration> configs = Configuration.group(List.of(RunData.load(runA), RunData.load(runB)));
        assertEquals(1, configs.size(), "runs that differ only in seed are one configuration");
        assertEquals("figs (2 seeds)", configs.get(0).label());
        AccuracyData data = AccuracyData.of(configs, "L-inf");
        assertEquals(List.of("baseline (2 seeds)", "fgsm-rs (2 seeds)"), data.models());
        assertTrue(data.lines().stream().allMatch(l -> l.points().stream().allMatch(p -> p.n() == 2)));
        List<String> legend = labels(AccuracyFigure.chart(data, new FigureStyle(8, null), AccuracyFigure.Band.STD));
        assertEquals(List.of("baseline (2 seeds)", "fgsm-rs (2 seeds)", "FGSM", "PGD-3", "worst case",
                "band: \u00b11 s.d. of 2 runs"), legend);
        String svg = Files.readString(out.resolve("accuracy_vs_epsilon.svg"));
        assertTrue(svg.contains("fgsm-rs (2 seeds)"), "the legend names both models");
        String md = Files.readString(out.resolve("accuracy_table.md"));
        assertTrue(md.contains(" \u00b1 "), md);
    }

    @Test
    void differentConfigurationsGetOneColourEach() throws IOException {
        // a copy of run B whose config differs in more than the seed stands on its own
        Path other = tmp.resolve("results/figs-other/run");
        copy(runB, other);
        Path config = other.resolve("config.yaml");
        Files.writeString(config, Files.readString(config).replace("epochs: 1\n  batch_size: 32", "epochs: 1\n  batch_size: 33"));
        List<Configuration> configs = Configuration.group(List.of(RunData.load(runA), RunData.load(other)));
        assertEquals(2, configs.size());
        assertEquals("figs (" + runA.getFileName() + ")", configs.get(0).label());
        AccuracyData data = AccuracyData.of(configs, "L-inf");
        assertEquals(4, data.models().size(), "two models of two configurations");
        JFreeChart chart = AccuracyFigure.chart(data, new FigureStyle(8, null), AccuracyFigure.Band.MINMAX);
        assertEquals(4 * 3, chart.getXYPlot().getDataset().getSeriesCount(), "4 models x (FGSM, PGD-3, worst case)");
        assertFalse(labels(chart).stream().anyMatch(l -> l.startsWith("band")), "no band without repeated seeds");
    }

    @Test
    void aRunWithoutSavedExamplesStillGetsPlotsAndTables() throws IOException {
        // as runs made before examples, predictions and the data's shape were saved
        Path old = tmp.resolve("old/figs/run");
        copy(runA, old);
        Files.delete(old.resolve(SavedExamples.FILE));
        Files.delete(old.resolve(SavedPredictions.FILE));
        var metrics = (com.fasterxml.jackson.databind.node.ObjectNode) Json.MAPPER.readTree(old.resolve("metrics.json").toFile());
        metrics.remove("data_shape");
        Json.MAPPER.writeValue(old.resolve("metrics.json").toFile(), metrics);
        Outcome o = bench("figures", old.toString(), "--format", "png", "--dpi", "72");
        assertEquals(0, o.code(), o.err());
        Path out = old.resolve("figures");
        for (String name : List.of("accuracy_vs_epsilon.png", "accuracy_table.tex", "confusion_clean.png", "confusion_clean_defended.png")) {
            assertTrue(Files.isRegularFile(out.resolve(name)), name);
        }
        assertFalse(Files.exists(out.resolve("adversarial_grid.png")));
        List<String> skipped = o.err().lines().filter(l -> l.startsWith("skipped:")).toList();
        assertEquals(1, skipped.size(), o.err());
        assertTrue(skipped.get(0).contains("examples.json") && skipped.get(0).contains("grid"), skipped.get(0));
    }

    @Test
    void badInputExitsTwoWithOneLineAndLeavesEarlierFiguresAlone() throws IOException {
        Path out = singleRunFigures();
        Map<Path, FileTime> before = snapshot(out);
        String run = runA.toString();
        String[][] cases = {
                {"figures", tmp.toString(), "--out", out.toString()},
                {"figures", run, "--out", out.toString(), "--format", "png,gif"},
                {"figures", run, "--out", out.toString(), "--width", "wide"},
                {"figures", run, "--out", out.toString(), "--height", "0in"},
                {"figures", run, "--out", out.toString(), "--width", "3.3"},
                {"figures", run, "--out", out.toString(), "--font-size", "0"},
                {"figures", run, "--out", out.toString(), "--dpi", "lots"},
                {"figures", run, "--out", out.toString(), "--confusion", "CW@0.2"},
                {"figures", run, "--out", out.toString(), "--confusion", "FGSM@0.15"},
                {"figures", run, "--out", out.toString(), "--confusion", "FGSM"},
                {"figures", run, "--out", out.toString(), "--grid", "FGSM@0.2,PGD-40@0.2"},
                {"figures", run, "--out", out.toString(), "--band", "iqr"},
                {"figures", run, runB.toString()},
                {"figures", run, run, "--out", out.toString()},
        };
        String[] expected = {"not a run folder", "--format: unknown format 'gif'", "--width: expected a length",
                "--height: must be between", "--width: expected a length", "--font-size:", "Invalid value for option '--dpi'",
                "--confusion: " + run + " has no attack 'CW'", "--confusion: FGSM of " + run + " has no epsilon 0.15",
                "--confusion: expected ATTACK@EPS", "--grid: " + run + " has no attack 'PGD-40'", "--band: expected minmax or std",
                "--out DIR is required", "given twice"};
        for (int i = 0; i < cases.length; i++) {
            Outcome o = bench(cases[i]);
            assertEquals(2, o.code(), String.join(" ", cases[i]) + ": " + o.err());
            assertEquals(1, o.err().strip().lines().count(), "one line: " + o.err());
            assertTrue(o.err().startsWith("error: ") && o.err().contains(expected[i]), o.err());
            assertFalse(o.err().contains("Exception"), o.err());
            assertEquals("", o.out());
        }
        assertEquals(before, snapshot(out), "bad input changes no earlier figure");
    }

    private static Map<Path, FileTime> snapshot(Path dir) throws IOException {
        Map<Path, FileTime> files = new TreeMap<>();
        try (Stream<Path> s = Files.list(dir)) {
            for (Path p : s.toList()) {
                files.put(p, Files.getLastModifiedTime(p));
            }
        }
        return files;
    }

    private static List<String> labels(JFreeChart chart) {
        LegendItemCollection items = chart.getXYPlot().getLegendItems();
        List<String> labels = new ArrayList<>();
        for (int i = 0; i < items.getItemCount(); i++) {
            LegendItem item = items.get(i);
            labels.add(item.getLabel());
        }
        return labels;
    }

    private static void copy(Path from, Path to) throws IOException {
        Files.createDirectories(to);
        try (Stream<Path> files = Files.list(from)) {
            for (Path f : files.filter(Files::isRegularFile).toList()) {
                Files.copy(f, to.resolve(f.getFileName()));
            }
        }
    }

    private static int count(String text, String part) {
        int n = 0;
        for (int i = text.indexOf(part); i >= 0; i = text.indexOf(part, i + part.length())) {
            n++;
        }
        return n;
    }

}
