package advbench.experiment;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import advbench.Json;
import advbench.RunLog;
import advbench.model.Engines;
import com.fasterxml.jackson.databind.JsonNode;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The whole pipeline on a small real MNIST subset, run twice. */
class EndToEndIT {
    static final String EXPERIMENT = """
            name: e2e
            seed: 7
            dataset:
              name: mnist
              train_subset: 3000
              test_subset: 400
            model:
              architecture: small-cnn
              epochs: 1
              batch_size: 32
            attacks:
              - type: fgsm
              - type: pgd
                steps: 10
              - type: pgd
                norm: l2
                steps: 5
                target: least-likely
                epsilons: [0.0, 2.0]
            epsilons: [0.0, 0.1, 0.25]
            evaluation:
              batch_size: 128
            outputs:
              grid_samples: 6
            """;

    @TempDir
    static Path tmp;
    static Path first;
    static Path second;

    @BeforeAll
    static void runTwice() throws IOException {
        Engines.configure(0);
        Path file = Files.writeString(tmp.resolve("e2e.yaml"), EXPERIMENT);
        ExperimentSpec spec = ExperimentLoader.load(file);
        ExperimentRunner.Options options = new ExperimentRunner.Options(tmp.resolve("results"), null, tmp, System.getenv(), true);
        first = new ExperimentRunner(RunLog.silent()).run(spec, file, options).runDir();
        second = new ExperimentRunner(RunLog.silent()).run(spec, file, options).runDir();
    }

    @Test
    void writesEveryFileIntoItsOwnRunFolder() {
        assertNotEquals(first, second, "a second run never overwrites the first");
        assertEquals(tmp.resolve("results/e2e"), first.getParent());
        for (String name : List.of("config.yaml", "metrics.json", "metrics.csv", "metrics_per_class.csv", "accuracy_vs_epsilon.png",
                "accuracy_vs_epsilon.svg", "accuracy_vs_epsilon_l2.png", "accuracy_table.tex", "adversarial_grid.png",
                "adversarial_grid.svg", "confusion_clean.png", "examples.json", "predictions.csv", "run.log", "manifest.json",
                "model-0000.params")) {
            assertTrue(Files.isRegularFile(first.resolve(name)), name);
        }
    }

    @Test
    void sameFileAndSeedGiveTheSameMetrics() throws IOException {
        assertEquals(Files.readString(first.resolve("metrics.json")), Files.readString(second.resolve("metrics.json")));
        for (String csv : List.of("metrics.csv", "metrics_per_class.csv", "predictions.csv")) {
            // every row names its run, so only the run id may differ
            assertEquals(Files.readString(first.resolve(csv)).replace(first.getFileName().toString(), "RUN"),
                    Files.readString(second.resolve(csv)).replace(second.getFileName().toString(), "RUN"), csv);
        }
    }

    /** bench run draws through bench figures' renderer: one column of a paper (3.3 x 2.5 in) at 300 dpi. */
    @Test
    void imagesDecodeAndSvgIsXml() throws Exception {
        BufferedImage plot = ImageIO.read(first.resolve("accuracy_vs_epsilon.png").toFile());
        assertEquals(990, plot.getWidth());
        assertEquals(750, plot.getHeight());
        BufferedImage grid = ImageIO.read(first.resolve("adversarial_grid.png").toFile());
        assertNotNull(grid);
        assertTrue(grid.getWidth() > 6 * 84 && grid.getHeight() > 3 * 84, grid.getWidth() + "x" + grid.getHeight());
        DocumentBuilderFactory xml = DocumentBuilderFactory.newInstance();
        // the SVG names the W3C DTD; parse it offline
        xml.setFeature("http://apache.org/xml/features/nonvalidating/load-external-dtd", false);
        var svg = xml.newDocumentBuilder().parse(first.resolve("accuracy_vs_epsilon.svg").toFile());
        assertEquals("svg", svg.getDocumentElement().getTagName());
    }

    /**
     * The passes each attack cost, counted where they are spent: FGSM takes one gradient for all
     * epsilons and then a forward pass per epsilon over the samples still open; PGD-10 at most 10
     * gradients per epsilon and sample, and fewer with early stopping.
     */
    @Test
    void costsAreCountedPerSample() throws IOException {
        JsonNode m = Json.MAPPER.readTree(first.resolve("metrics.json").toFile());
        JsonNode fgsm = m.at("/attacks/0");
        assertEquals(1.0, fgsm.at("/cost/backward_per_sample").asDouble(), 1e-12);
        double open = 0;
        for (JsonNode p : fgsm.get("points")) {
            open += p.get("epsilon").asDouble() > 0 ? p.get("attacked").asDouble() : 0;
        }
        assertEquals(1.0 + open / 400, fgsm.at("/cost/forward_per_sample").asDouble(), 1e-12, "the gradient pass plus one forward per open sample");
        double pgd = m.at("/attacks/1/cost/backward_per_sample").asDouble();
        assertTrue(pgd > 1 && pgd < 2 * 10, "PGD-10 over two epsilons > 0, stopping early: " + pgd);
    }

    @Test
    void metricsAgreeWithEachOther() throws IOException {
        JsonNode m = Json.MAPPER.readTree(first.resolve("metrics.json").toFile());
        assertEquals(400, m.get("test_samples").asInt());
        double clean = m.at("/clean/accuracy").asDouble();
        assertTrue(clean > 0.85, "one epoch on 3,000 images gives a real classifier: " + clean);
        // the confusion matrix holds every test sample, its trace the correct ones
        int total = 0;
        int trace = 0;
        JsonNode confusion = m.at("/clean/confusion_matrix");
        for (int t = 0; t < 10; t++) {
            for (int p = 0; p < 10; p++) {
                total += confusion.get(t).get(p).asInt();
                trace += t == p ? confusion.get(t).get(p).asInt() : 0;
            }
        }
        assertEquals(400, total);
        assertEquals(clean, trace / 400.0, 1e-12);
        JsonNode points = m.at("/attacks/0/points");
        assertEquals(3, points.size());
        assertEquals(clean, points.get(0).get("accuracy").asDouble(), 1e-12, "epsilon 0 is the clean accuracy");
        assertEquals(0.0, points.get(0).get("success_rate").asDouble());
        assertTrue(points.get(2).get("accuracy").asDouble() < points.get(1).get("accuracy").asDouble());
        assertTrue(points.get(2).get("accuracy").asDouble() < 0.5 * clean, "FGSM at 0.25 breaks an undefended model");
        for (JsonNode p : points) {
            double eps = p.get("epsilon").asDouble();
            assertTrue(p.get("max_linf").asDouble() <= eps + 1e-6);
            // accuracy is the support-weighted mean of the per-class accuracies
            double weighted = 0;
            for (int c = 0; c < 10; c++) {
                weighted += p.get("per_class_accuracy").get(c).asDouble() * m.at("/clean/per_class/" + c + "/support").asInt();
            }
            assertEquals(p.get("accuracy").asDouble(), weighted / 400, 1e-9);
        }
        // the CSV carries the same numbers: header, clean, 3 + 3 + 2 attack rows, 3 + 2 worst-case rows,
        // each row with the run's identity, so that the tables of many runs concatenate
        List<String> csv = Files.readAllLines(first.resolve("metrics.csv"));
        assertEquals(1 + 1 + 8 + 5, csv.size());
        List<String> header = List.of(csv.get(0).split(","));
        String[] fgsmLast = csv.get(4).split(",");
        JsonNode manifest = Json.MAPPER.readTree(first.resolve("manifest.json").toFile());
        assertEquals(List.of("e2e", first.getFileName().toString(), "7", manifest.get("config_sha256").asText(), "baseline", "FGSM"),
                List.of(fgsmLast).subList(0, 6));
        assertEquals(points.get(2).get("accuracy").asDouble(), Double.parseDouble(fgsmLast[header.indexOf("accuracy")]), 0.0,
                "full precision, not rounded");
        assertTrue(m.get("warnings").isArray());
        // per class: 10 classes x (clean + 8 attack points)
        List<String> perClass = Files.readAllLines(first.resolve("metrics_per_class.csv"));
        assertEquals(1 + 10 * 9, perClass.size());
        assertTrue(perClass.get(1).startsWith("e2e," + first.getFileName() + ",7,"), perClass.get(1));
    }

    /** One format, one reader: the typed reader gives back exactly what the run wrote. */
    @Test
    void theRunFolderReaderReadsBackWhatWasWritten() throws IOException {
        var metrics = advbench.report.SavedRun.metrics(first);
        assertEquals(Files.readString(first.resolve("metrics.json")), Json.MAPPER.writeValueAsString(metrics));
        assertEquals(new advbench.data.DataShape(1, 28, 28, 10, null), metrics.dataShape());
        var run = advbench.report.SavedRun.read(first);
        assertEquals("e2e", run.experiment());
        assertEquals(7, run.config().get("seed").asInt());
    }

    @Test
    void worstCaseIsPerSampleAndNoBetterThanAnyAttack() throws IOException {
        JsonNode m = Json.MAPPER.readTree(first.resolve("metrics.json").toFile());
        JsonNode linf = m.at("/worst_case/0");
        assertEquals("L-inf", linf.get("norm").asText());
        for (int e = 0; e < 3; e++) {
            JsonNode w = linf.get("points").get(e);
            assertEquals("[\"FGSM\",\"PGD-10\"]", w.get("attacks").toString());
            double fgsm = m.at("/attacks/0/points/" + e + "/accuracy").asDouble();
            double pgd = m.at("/attacks/1/points/" + e + "/accuracy").asDouble();
            assertTrue(w.get("accuracy").asDouble() <= Math.min(fgsm, pgd) + 1e-12);
            assertTrue(pgd <= fgsm + 1e-12, "PGD-10 is at least as strong as FGSM at eps " + w.get("epsilon"));
        }
        JsonNode l2 = m.at("/attacks/2");
        assertEquals("L2", l2.get("norm").asText());
        assertEquals("least-likely", l2.get("target").asText());
        assertTrue(l2.at("/points/1/targeted_success_rate").asDouble() > 0, l2.toString());
        assertEquals(0.0, l2.at("/points/0/targeted_success_rate").asDouble());
        assertTrue(l2.at("/points/1/mean_l2").asDouble() <= 2.0 + 1e-5);
        assertTrue(Files.isRegularFile(first.resolve("accuracy_vs_epsilon_l2.png")));
    }

    @Test
    void manifestRecordsWhatIsNeededToRerun() throws IOException {
        JsonNode man = Json.MAPPER.readTree(first.resolve("manifest.json").toFile());
        assertEquals("complete", man.get("status").asText());
        assertEquals(7, man.get("seed").asInt());
        assertEquals(64, man.get("config_sha256").asText().length());
        assertEquals("f68b3c2dcbeaaa9fbdd348bbdeb94873", man.at("/data/files/train-images-idx3-ubyte.gz/md5").asText());
        assertEquals("0.35.1", man.at("/environment/versions/djl").asText());
        assertEquals("PyTorch 2.7.1", man.at("/environment/versions/engine").asText());
        assertEquals(Runtime.getRuntime().availableProcessors(), man.at("/environment/machine/engine_threads").asInt(),
                "threads 0 means every core, recorded as the count");
        JsonNode model = man.at("/models/0");
        assertEquals("baseline", model.get("label").asText());
        assertEquals("model-0000.params", model.get("weights_file").asText());
        assertEquals(advbench.report.RunRecorder.sha256(first.resolve("model-0000.params")), model.get("weights_sha256").asText());
        assertTrue(man.get("finished").asText().compareTo(man.get("started").asText()) > 0);
        assertEquals(ExperimentLoader.load(first.resolve("config.yaml")), ExperimentLoader.load(tmp.resolve("e2e.yaml")),
                "the resolved config re-runs the same experiment");
        String log = Files.readString(first.resolve("run.log"));
        assertTrue(log.contains("epoch 1/1: loss"), log);
    }

    /** The grid's images are the sweep's own: their predictions are the sweep's predictions of the first samples. */
    @Test
    void gridRowsAreTheSweepsImages() {
        var examples = advbench.report.SavedExamples.read(first.resolve("examples.json")).models().get(0);
        var predictions = advbench.report.SavedPredictions.read(first.resolve("predictions.csv")).models().get(0);
        assertEquals(6, examples.count());
        assertEquals(3 + 3 + 2, examples.attacks().size(), "every attack at every epsilon");
        for (var row : examples.attacks()) {
            int[] swept = predictions.predicted(new advbench.report.SavedPredictions.Column(row.attack(), row.epsilon()));
            assertArrayEquals(java.util.Arrays.copyOf(swept, 6), row.images().predicted(), row.attack() + " at " + row.epsilon());
        }
    }
}
