package advbench.experiment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import advbench.Json;
import advbench.RunLog;
import advbench.cli.BenchCommandTest;
import advbench.data.SyntheticIdx;
import advbench.model.Engines;
import com.fasterxml.jackson.databind.JsonNode;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The whole pipeline on data that is not MNIST-like: 3 x 16 x 16 colour images of 4 named classes,
 * written by the test as colour IDX files. Training, FGSM, PGD (L-inf, targeted, L2), metrics and
 * figures must all take their shape from the data.
 */
class ColourPipelineIT {
    static final String EXPERIMENT = """
            name: colour
            seed: 2
            dataset:
              files:
                train_images: data/train-images.gz
                train_labels: data/train-labels.gz
                test_images: data/test-images.gz
                test_labels: data/test-labels.gz
              class_names: [red square, green square, blue square, red corner]
            model:
              architecture: small-cnn
              epochs: 3
              batch_size: 32
            attacks:
              - type: fgsm
              - type: pgd
                steps: 5
              - type: pgd
                steps: 5
                target: random
              - type: pgd
                norm: l2
                steps: 5
                epsilons: [0.0, 1.0, 4.0]
            epsilons: [0.0, 0.05, 0.2]
            evaluation:
              batch_size: 64
            outputs:
              grid_samples: 4
              formats: [png, svg, pdf]
            """;

    @TempDir
    static Path tmp;
    static Path run;
    static JsonNode metrics;

    @BeforeAll
    static void runOnColourData() throws IOException {
        Engines.configure(0);
        SyntheticIdx.write(tmp.resolve("data"), 3, 16, 16, 4, 400, 100, 9);
        Path file = Files.writeString(tmp.resolve("colour.yaml"), EXPERIMENT);
        Map<String, String> env = new HashMap<>(System.getenv());
        env.put("BENCH_CACHE", tmp.resolve("cache").toString());
        run = new ExperimentRunner(RunLog.silent()).run(ExperimentLoader.load(file), file,
                new ExperimentRunner.Options(tmp.resolve("results"), null, tmp, env, false)).runDir();
        metrics = Json.MAPPER.readTree(run.resolve("metrics.json").toFile());
    }

    @Test
    void theShapeAndClassesComeFromTheData() {
        JsonNode shape = metrics.get("data_shape");
        assertEquals(3, shape.get("channels").asInt());
        assertEquals(16, shape.get("height").asInt());
        assertEquals(16, shape.get("width").asInt());
        assertEquals(4, shape.get("classes").asInt());
        assertEquals("blue square", shape.get("class_names").get(2).asText());
        assertEquals(4, metrics.at("/clean/confusion_matrix").size());
        assertEquals(4, metrics.at("/clean/per_class").size());
        assertEquals(4, metrics.at("/attacks/0/points/1/per_class_accuracy").size());
    }

    @Test
    void aRealClassifierIsTrainedAndTheAttacksWork() {
        double clean = metrics.at("/clean/accuracy").asDouble();
        assertTrue(clean > 0.9, "the synthetic classes are learnable: " + clean);
        double pgd = metrics.at("/attacks/1/points/2/accuracy").asDouble();
        assertTrue(pgd < clean, "PGD at 0.2 fools some samples: " + pgd);
        for (JsonNode p : metrics.at("/attacks/1/points")) {
            assertTrue(p.get("max_linf").asDouble() <= p.get("epsilon").asDouble() + 1e-6);
        }
        // random targets are drawn among the 3 other classes, and at 0.2 PGD reaches most of them
        double hit = metrics.at("/attacks/2/points/2/targeted_success_rate").asDouble();
        assertTrue(hit > 0.5, "targeted PGD at 0.2 reaches its target on " + hit);
        JsonNode l2 = metrics.at("/attacks/3");
        assertEquals("L2", l2.get("norm").asText());
        assertTrue(l2.at("/points/2/mean_l2").asDouble() <= 4.0 + 1e-4);
    }

    @Test
    void figuresDrawColourImagesAndNameTheClasses() throws IOException {
        for (String f : List.of("accuracy_vs_epsilon.pdf", "accuracy_vs_epsilon_l2.svg", "adversarial_grid.svg", "adversarial_grid.pdf",
                "confusion_clean.png", "metrics_per_class.csv")) {
            assertTrue(Files.isRegularFile(run.resolve(f)), f);
        }
        BufferedImage grid = ImageIO.read(run.resolve("adversarial_grid.png").toFile());
        int coloured = 0;
        for (int y = 0; y < grid.getHeight(); y += 2) {
            for (int x = 0; x < grid.getWidth(); x += 2) {
                int rgb = grid.getRGB(x, y);
                int r = (rgb >> 16) & 0xFF;
                int g = (rgb >> 8) & 0xFF;
                int b = rgb & 0xFF;
                coloured += Math.max(r, Math.max(g, b)) - Math.min(r, Math.min(g, b)) > 60 ? 1 : 0;
            }
        }
        assertTrue(coloured > 1000, "the grid shows colour images: " + coloured + " strongly coloured pixels");
        String svg = Files.readString(run.resolve("adversarial_grid.svg"));
        assertTrue(svg.contains("red corner"), "class names on the grid (or in its key)");
        assertTrue(Files.readString(run.resolve("metrics_per_class.csv")).contains(",2,blue square,"));
    }

    @Test
    void benchFiguresRedrawsTheColourRun() {
        BenchCommandTest.Outcome o = BenchCommandTest.bench("figures", run.toString(), "--out", tmp.resolve("redrawn").toString(),
                "--format", "png", "--width", "7in");
        assertEquals(0, o.code(), o.err());
        assertTrue(Files.isRegularFile(tmp.resolve("redrawn/adversarial_grid.png")));
    }

    /** What only the data can tell is still checked before anything is written: a class it lacks, an L2 budget too large. */
    @Test
    void valuesThatTheDataRulesOutStopTheRunWithTheirLine() throws IOException {
        for (String[] bad : new String[][] {
                {"    target: random", "    target: 7", ":20: attacks[2].target: class 7 is not a class of the data, which has 4 (0-3)"},
                {"[0.0, 1.0, 4.0]", "[0.0, 1.0, 40.0]", ":24: attacks[3].epsilons[2]: 40.0 is more than 27.71, the largest L2 distance"}}) {
            Path file = Files.writeString(tmp.resolve("colour-bad.yaml"), EXPERIMENT.replace(bad[0], bad[1]));
            Path results = tmp.resolve("bad-results");
            BenchCommandTest.Outcome o = BenchCommandTest.bench("run", file.toString(), "--results-dir", results.toString());
            assertEquals(2, o.code(), o.err());
            assertTrue(o.err().startsWith("error: " + file + bad[2]), o.err());
            assertFalse(Files.exists(results), "nothing is written");
        }
    }
}
