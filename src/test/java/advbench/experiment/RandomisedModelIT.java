package advbench.experiment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import advbench.Json;
import advbench.RunLog;
import advbench.data.SyntheticIdx;
import advbench.model.Engines;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A randomised model (a TorchScript network with dropout left on, declared randomised) runs
 * through AutoAttack's rand version: the run says the model is randomised, the ensemble averages
 * 20 gradient passes per step, and the same seed gives the same numbers, random model and all.
 */
class RandomisedModelIT {
    @TempDir
    static Path tmp;

    @BeforeAll
    static void engine() {
        Engines.configure(0);
    }

    static String experiment(Path model, int samples) {
        return """
                name: randomised
                seed: 4
                dataset:
                  files:
                    train_images: data/train-images.gz
                    train_labels: data/train-labels.gz
                    test_images: data/test-images.gz
                    test_labels: data/test-labels.gz
                model:
                  file: %s
                  randomised: true
                attacks:
                  - type: autoattack
                    version: rand
                    steps: 5
                epsilons: [0.0, 0.2]
                evaluation:
                  samples: %d
                """.formatted(model.toAbsolutePath(), samples);
    }

    JsonNode run(String yaml, String name) throws IOException {
        Path file = Files.writeString(tmp.resolve(name + ".yaml"), yaml);
        Map<String, String> env = new HashMap<>(System.getenv());
        env.put("BENCH_CACHE", tmp.resolve("cache").toString());
        Path dir = new ExperimentRunner(RunLog.silent()).run(ExperimentLoader.load(file), file,
                new ExperimentRunner.Options(tmp.resolve("results-" + name), null, tmp, env, false)).runDir();
        return Json.MAPPER.readTree(dir.resolve("metrics.json").toFile());
    }

    @Test
    void runsReproduciblyAndSaysTheModelIsRandomised() throws IOException {
        SyntheticIdx.write(tmp.resolve("data"), 1, 8, 8, 3, 60, 80, 3);
        Path model = Path.of("src/test/resources/torchscript/traced-dropout.pt");
        JsonNode first = run(experiment(model, 40), "first");
        JsonNode again = run(experiment(model, 40), "again");
        JsonNode m = first;
        assertEquals(40, first.get("test_samples").asInt(), "evaluation.samples: the first 40 of 80 test images");
        assertTrue(m.get("warnings").toString().contains("the model is randomised"), m.get("warnings").toString());
        JsonNode curve = m.get("attacks").get(0);
        assertEquals("AutoAttack-rand (steps 5)", curve.get("attack").asText());
        assertEquals(m.get("attacks").toString(), again.get("attacks").toString(), "same seed, same numbers");
        // every gradient step of the rand version is 20 passes: the backward passes come in twenties
        double backward = curve.get("cost").get("backward_per_sample").asDouble() * 40;
        assertTrue(backward > 0 && Math.abs(backward / 20 - Math.rint(backward / 20)) < 1e-9, "backward passes in all: " + backward);
    }
}
