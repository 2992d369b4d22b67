package advbench.experiment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import advbench.Json;
import advbench.RunLog;
import advbench.cli.BenchCommandTest;
import advbench.data.KnownDatasets;
import advbench.data.SyntheticImages;
import advbench.model.Engines;
import advbench.report.RunRecorder;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A user's own PyTorch model on colour data, end to end: the scripted CIFAR-shaped CNN of
 * src/test/resources/torchscript (batch norm and dropout) on a synthetic CIFAR-10 found through
 * BENCH_DATA, attacked by FGSM and PGD, drawn, verified; then fine-tuned (last layer), reused
 * from the cache, and evaluated again from the run folder it was saved in.
 */
class OwnModelIT {
    static final String EXPERIMENT = """
            name: own-colour
            seed: 3
            dataset:
              name: cifar10
              test_subset: 300
            model:
              file: models/colour.pt
              preprocessing: {mean: [0.0, 0.0, 0.0], std: [1.0, 1.0, 1.0]}
            attacks:
              - type: fgsm
              - type: pgd
                steps: 10
            epsilons: [0.0, 0.02, 0.1]
            evaluation:
              batch_size: 100
            outputs:
              grid_samples: 4
            """;

    @TempDir
    static Path tmp;
    static Map<String, String> env;
    static Path model;
    static Path run;
    static JsonNode metrics;

    @BeforeAll
    static void evaluateTheExportedModel() throws IOException {
        Engines.configure(0);
        SyntheticImages.cifar(tmp.resolve("data"), KnownDatasets.CIFAR10, 200, 300, false, 4);
        model = Files.createDirectories(tmp.resolve("models")).resolve("colour.pt");
        try (InputStream in = OwnModelIT.class.getResourceAsStream("/torchscript/colour-bn-dropout.pt")) {
            Files.copy(in, model);
        }
        env = new HashMap<>(System.getenv());
        env.put("BENCH_DATA", tmp.resolve("data").toString());
        env.put("BENCH_CACHE", tmp.resolve("cache").toString());
        run = run("own.yaml", EXPERIMENT);
        metrics = Json.MAPPER.readTree(run.resolve("metrics.json").toFile());
    }

    static Path run(String name, String experiment) throws IOException {
        Path file = Files.writeString(tmp.resolve(name), experiment);
        return new ExperimentRunner(RunLog.silent()).run(ExperimentLoader.load(file), file,
                new ExperimentRunner.Options(tmp.resolve("results"), null, tmp, env, false)).runDir();
    }

    static JsonNode manifest(Path runDir) throws IOException {
        return Json.MAPPER.readTree(runDir.resolve("manifest.json").toFile());
    }

    @Test
    void theModelIsAttackedOnThePixelScaleAndItsFileIsRecorded() throws IOException {
        double clean = metrics.at("/clean/accuracy").asDouble();
        assertTrue(clean > 0.8, "PyTorch's model recognises the pattern it was trained on: " + clean);
        assertEquals(10, metrics.at("/data_shape/classes").asInt());
        assertEquals("airplane", metrics.at("/data_shape/class_names/0").asText());
        double fgsm = metrics.at("/attacks/0/points/2/accuracy").asDouble();
        double pgd = metrics.at("/attacks/1/points/2/accuracy").asDouble();
        assertTrue(pgd < clean && pgd <= fgsm + 1e-9, "clean " + clean + ", FGSM " + fgsm + ", PGD " + pgd);
        for (JsonNode p : metrics.at("/attacks/1/points")) {
            assertTrue(p.get("max_linf").asDouble() <= p.get("epsilon").asDouble() + 1e-6, p.toString());
        }
        JsonNode entry = manifest(run).at("/models/0");
        assertEquals(RunRecorder.sha256(model), entry.at("/origin/sha256").asText());
        assertEquals("torchscript", entry.at("/origin/kind").asText());
        assertEquals("torchscript", entry.get("architecture").asText());
        assertTrue(Files.isRegularFile(run.resolve("model.pt")), "the run keeps the model it evaluated");
        assertEquals(RunRecorder.sha256(model), entry.get("weights_sha256").asText(), "the very file, copied as it was");
    }

    @Test
    void figuresAndVerifyWorkAsForATrainedModel() {
        for (String f : List.of("accuracy_vs_epsilon.png", "adversarial_grid.png", "confusion_clean.png", "metrics.csv")) {
            assertTrue(Files.isRegularFile(run.resolve(f)), f);
        }
        Path reference = tmp.resolve("own-ref.json");
        BenchCommandTest.Outcome ref = BenchCommandTest.bench("reference", run.toString(), "-o", reference.toString());
        assertEquals(0, ref.code(), ref.err());
        BenchCommandTest.Outcome verify = BenchCommandTest.bench("verify", run.toString(), "--reference", reference.toString());
        assertEquals(0, verify.code(), verify.out() + verify.err());
        assertTrue(verify.out().contains("PGD"), verify.out());
    }

    /** Scaling by mean 0.5, std 0.5 changes what the network sees, but the attack still works on pixels. */
    @Test
    void preprocessingIsInsideTheModel() throws IOException {
        Path other = run("own-pre.yaml", EXPERIMENT.replace("[0.0, 0.0, 0.0], std: [1.0, 1.0, 1.0]", "[0.5, 0.5, 0.5], std: [0.5, 0.5, 0.5]"));
        JsonNode m = Json.MAPPER.readTree(other.resolve("metrics.json").toFile());
        assertNotEquals(metrics.at("/clean/accuracy").asDouble(), m.at("/clean/accuracy").asDouble(),
                "the network saw other inputs (its accuracy moved)");
        for (JsonNode p : m.at("/attacks/1/points")) {
            assertTrue(p.get("max_linf").asDouble() <= p.get("epsilon").asDouble() + 1e-6, "epsilons stay on the pixel scale: " + p);
        }
        assertEquals(0.5, manifest(other).at("/models/0/preprocessing/std/2").asDouble());
    }

    /**
     * Fine-tuning the last layer: only fc.weight and fc.bias move, the result is cached (a second
     * run trains nothing) and saved into the run folder as model.pt, from where a third experiment
     * evaluates it with the same numbers.
     */
    @Test
    void fineTunedLastLayerIsCachedSavedAndReusable() throws IOException {
        String tune = EXPERIMENT.replace("  preprocessing: {mean: [0.0, 0.0, 0.0], std: [1.0, 1.0, 1.0]}\n",
                "  epochs: 1\n  batch_size: 50\n  trainable_layers: last\n  augmentation: {shift: 2, flip: true}\n");
        Path tuned = run("tune.yaml", tune);
        Path weights = tuned.resolve("model.pt");
        assertTrue(Files.isRegularFile(weights), "the fine-tuned TorchScript model is saved with the run");
        String log = Files.readString(tuned.resolve("run.log"));
        assertTrue(log.contains("fc.weight") || log.contains("last layer"), "the log says what trains: " + log);
        JsonNode tunedMetrics = Json.MAPPER.readTree(tuned.resolve("metrics.json").toFile());
        assertTrue(tunedMetrics.at("/clean/accuracy").asDouble() > 0.8);

        Path again = run("tune.yaml", tune);
        assertTrue(Files.readString(again.resolve("run.log")).contains("cache"), "the second run reuses the cached model");
        assertEquals(RunRecorder.sha256(weights), RunRecorder.sha256(again.resolve("model.pt")));

        Path reused = run("reuse.yaml", EXPERIMENT.replace("  file: models/colour.pt\n  preprocessing: {mean: [0.0, 0.0, 0.0], std: [1.0, 1.0, 1.0]}\n",
                "  run: " + tmp.relativize(tuned) + "\n"));
        JsonNode reusedMetrics = Json.MAPPER.readTree(reused.resolve("metrics.json").toFile());
        assertEquals(tunedMetrics.at("/clean/accuracy").asDouble(), reusedMetrics.at("/clean/accuracy").asDouble());
        assertEquals(tunedMetrics.at("/attacks/1/points/2/accuracy").asDouble(), reusedMetrics.at("/attacks/1/points/2/accuracy").asDouble());
        assertEquals(weights.toAbsolutePath().toString(), manifest(reused).at("/models/0/origin/path").asText());
        assertEquals(RunRecorder.sha256(weights), manifest(reused).at("/models/0/origin/sha256").asText());
    }

    /** Adversarial fine-tuning of the loaded model makes it more robust than it came. */
    @Test
    void adversarialFineTuningStartsFromTheLoadedModel() throws IOException {
        String defended = EXPERIMENT.replace("attacks:", """
                defence:
                  method: fgsm-rs
                  epsilon: 0.1
                  epochs: 2
                  batch_size: 50
                  learning_rate: 0.002
                attacks:""");
        Path d = run("defend.yaml", defended);
        JsonNode m = Json.MAPPER.readTree(d.resolve("metrics.json").toFile());
        double basePgd = m.at("/attacks/1/points/2/accuracy").asDouble();
        double defPgd = m.at("/defence/attacks/1/points/2/accuracy").asDouble();
        assertEquals("fgsm-rs", m.at("/defence/method").asText());
        assertTrue(defPgd > basePgd, "PGD at 0.1: baseline " + basePgd + ", fine-tuned adversarially " + defPgd);
        assertTrue(Files.isRegularFile(d.resolve("defended/model.pt")), "the defended model is saved as TorchScript");
    }

    @Test
    void aRunWhoseModelWasChangedIsRefused() throws IOException {
        Path copy = Files.createDirectories(tmp.resolve("tampered"));
        try (var files = Files.list(run)) {
            for (Path f : files.toList()) {
                if (Files.isRegularFile(f)) {
                    Files.copy(f, copy.resolve(f.getFileName()));
                }
            }
        }
        Path file = Files.writeString(tmp.resolve("tampered.yaml"),
                EXPERIMENT.replace("  file: models/colour.pt\n  preprocessing: {mean: [0.0, 0.0, 0.0], std: [1.0, 1.0, 1.0]}\n",
                        "  run: tampered\n"));
        Files.write(copy.resolve("model.pt"), new byte[] {1}, java.nio.file.StandardOpenOption.APPEND);
        BenchCommandTest.Outcome o = BenchCommandTest.bench("run", file.toString(), "--results-dir", tmp.resolve("r2").toString());
        assertEquals(2, o.code(), o.err());
        assertTrue(o.err().startsWith("error: "), o.err());
        assertEquals(1, o.err().strip().lines().count(), o.err());
        assertTrue(o.err().contains("SHA-256") || o.err().contains("sha256") || o.err().contains("changed"), o.err());
        assertFalse(Files.exists(tmp.resolve("r2")));
    }
}
