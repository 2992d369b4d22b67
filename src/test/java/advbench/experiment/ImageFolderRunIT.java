package advbench.experiment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import advbench.Json;
import advbench.RunLog;
import advbench.data.SyntheticImages;
import advbench.model.Engines;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A folder of PNG images as the data set, trained with augmentation: the folder names become the
 * classes of every table and figure, and the augmented training is repeatable from the seed.
 */
class ImageFolderRunIT {
    static final String EXPERIMENT = """
            name: pictures
            seed: 5
            dataset: {images: pictures}
            model:
              architecture: small-cnn
              epochs: 4
              batch_size: 16
              augmentation: {shift: 1, flip: true}
            attacks: [{type: fgsm}]
            epsilons: [0.0, 0.1]
            outputs: {grid_samples: 3}
            """;

    @TempDir
    static Path tmp;
    static Path first;
    static Path second;

    @BeforeAll
    static void runTwice() throws IOException {
        Engines.configure(0);
        SyntheticImages.folder(tmp.resolve("pictures"), List.of("cat", "dog", "newt"), 16, true, 40, 6);
        Path file = Files.writeString(tmp.resolve("pictures.yaml"), EXPERIMENT);
        var options = new ExperimentRunner.Options(tmp.resolve("results"), null, tmp, System.getenv(), true);
        first = new ExperimentRunner(RunLog.silent()).run(ExperimentLoader.load(file), file, options).runDir();
        second = new ExperimentRunner(RunLog.silent()).run(ExperimentLoader.load(file), file, options).runDir();
    }

    @Test
    void theFolderNamesAreTheClasses() throws IOException {
        JsonNode m = Json.MAPPER.readTree(first.resolve("metrics.json").toFile());
        assertEquals(3, m.at("/data_shape/classes").asInt());
        assertEquals(3, m.at("/data_shape/channels").asInt());
        assertEquals(16, m.at("/data_shape/width").asInt());
        assertEquals("newt", m.at("/data_shape/class_names/2").asText());
        assertEquals(120, m.get("train_samples").asInt());
        assertEquals(60, m.get("test_samples").asInt());
        assertTrue(m.at("/clean/accuracy").asDouble() > 0.8, "learnable: " + m.at("/clean/accuracy"));
        assertTrue(Files.readString(first.resolve("metrics_per_class.csv")).contains(",1,dog,"));
        assertTrue(Files.readString(first.resolve("adversarial_grid.svg")).contains("cat"), "the grid names the classes");
        assertTrue(Files.readString(first.resolve("run.log")).contains("augmenting the training images"));
    }

    @Test
    void augmentedTrainingIsRepeatable() throws IOException {
        assertNotEquals(first, second);
        assertEquals(Files.readString(first.resolve("metrics.json")), Files.readString(second.resolve("metrics.json")));
        assertEquals(-1, Files.mismatch(first.resolve("model-0000.params"), second.resolve("model-0000.params")));
    }
}
