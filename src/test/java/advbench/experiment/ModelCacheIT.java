package advbench.experiment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import advbench.RunLog;
import advbench.TestFixtures;
import advbench.data.DataProvenance;
import advbench.data.Dataset;
import advbench.model.Engines;
import advbench.train.ModelProvider;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ModelCacheIT {
    static final String BASE = """
            name: cached
            seed: 4
            dataset: {name: mnist, train_subset: 800, test_subset: 100}
            model: {architecture: mlp, epochs: 1, batch_size: 32}
            attacks: [{type: fgsm}]
            epsilons: [0.0, 0.1]
            """;

    @TempDir
    Path tmp;

    static String key(String yaml) {
        return key(yaml, TestFixtures.mnistSubset());
    }

    static String key(String yaml, Dataset data) {
        return ModelProvider.cacheKey(ModelSources.of(ExperimentLoader.parse("x.yaml", yaml), Path.of(".")).get(0), data);
    }

    @Test
    void keyChangesWithEveryTrainingInputAndNothingElse() {
        String base = key(BASE);
        assertEquals(base, key(BASE));
        assertEquals(base, key(BASE.replace("epsilons: [0.0, 0.1]", "epsilons: [0.2]")), "epsilons");
        assertEquals(base, key(BASE.replace("[{type: fgsm}]", "[{type: pgd, steps: 3}]")), "attacks");
        assertEquals(base, key(BASE + "outputs: {grid_samples: 3}\n"), "outputs");
        assertEquals(base, key(BASE.replace("name: cached", "name: renamed")), "the experiment's name");
        for (String[] change : new String[][] {
                {"seed: 4", "seed: 5"}, {"train_subset: 800", "train_subset: 801"}, {"test_subset: 100", "test_subset: 99"},
                {"architecture: mlp", "architecture: small-cnn"}, {"epochs: 1", "epochs: 2"}, {"batch_size: 32", "batch_size: 16"},
                {"epochs: 1,", "epochs: 1, learning_rate: 0.002,"}, {"epochs: 1,", "epochs: 1, optimizer: sgd,"}}) {
            assertNotEquals(base, key(BASE.replace(change[0], change[1])), change[1]);
        }
        Dataset d = TestFixtures.mnistSubset();
        Map<String, DataProvenance.FileEntry> otherFiles = new HashMap<>(d.provenance().files());
        otherFiles.replaceAll((name, f) -> name.equals("train-images-idx3-ubyte.gz") ? new DataProvenance.FileEntry(f.path(), "0".repeat(32)) : f);
        assertNotEquals(base, key(BASE, new Dataset(d.name(), d.train(), d.test(), new DataProvenance(d.name(), otherFiles))),
                "other data files");
        Map<String, DataProvenance.FileEntry> elsewhere = new HashMap<>();
        d.provenance().files().forEach((name, f) -> elsewhere.put(name, new DataProvenance.FileEntry("/elsewhere/" + name, f.md5())));
        assertEquals(base, key(BASE, new Dataset(d.name(), d.train(), d.test(), new DataProvenance(d.name(), elsewhere))),
                "the same files in another folder");
    }

    /**
     * class_names can name more classes than the labels use, which changes the model's outputs:
     * the key must change with them (for the known data sets, whose names are fixed, keys stay).
     */
    /**
     * The key of a shipped experiment is the one the code before the pipeline's restructuring
     * computed: cached weights stay valid until training really changes (then bump
     * ModelCache.TRAINING_CODE_VERSION and this value with it).
     */
    @Test
    void theKeyOfFgsmYamlIsStable() throws IOException {
        String yaml = Files.readString(Path.of("experiments/fgsm.yaml"));
        assertEquals("d823a911710a1d5d4b1934e06c5863e110ecd48f662ee05c2ab5ef1695d21973", key(yaml, TestFixtures.mnistSubset()));
    }

    @Test
    void classNamesOfOnesOwnDataAreATrainingInput() {
        String files = BASE.replace("dataset: {name: mnist, train_subset: 800, test_subset: 100}",
                "dataset: {files: {train_images: a, train_labels: b, test_images: c, test_labels: d}, train_subset: 800}");
        String named = files.replace("train_subset: 800}", "train_subset: 800, class_names: [a, b, c]}");
        String moreNamed = files.replace("train_subset: 800}", "train_subset: 800, class_names: [a, b, c, d]}");
        Dataset data = TestFixtures.mnistSubset();
        assertNotEquals(key(files, data), key(named, data));
        assertNotEquals(key(named, data), key(moreNamed, data));
    }

    @Test
    void aSecondRunReusesTheWeightsAndGivesTheSameMetrics() throws IOException {
        Engines.configure(0);
        Path file = Files.writeString(tmp.resolve("cached.yaml"), BASE);
        Map<String, String> env = new HashMap<>(System.getenv());
        env.put("BENCH_CACHE", tmp.resolve("cache").toString());
        var options = new ExperimentRunner.Options(tmp.resolve("results"), null, tmp, env, false);
        ByteArrayOutputStream firstLog = new ByteArrayOutputStream();
        ByteArrayOutputStream secondLog = new ByteArrayOutputStream();
        Path first = new ExperimentRunner(new RunLog(new PrintStream(firstLog, true))).run(ExperimentLoader.load(file), file, options).runDir();
        Path second = new ExperimentRunner(new RunLog(new PrintStream(secondLog, true))).run(ExperimentLoader.load(file), file, options).runDir();
        assertTrue(firstLog.toString().contains("training mlp for 1 epochs"), firstLog.toString());
        assertTrue(secondLog.toString().contains("reusing trained weights"), secondLog.toString());
        assertTrue(!secondLog.toString().contains("epoch 1/1"), "no training the second time");
        assertEquals(Files.readString(first.resolve("metrics.json")), Files.readString(second.resolve("metrics.json")));
        assertEquals(-1, Files.mismatch(first.resolve("model-0000.params"), second.resolve("model-0000.params")));
        Path third = new ExperimentRunner(RunLog.silent()).run(ExperimentLoader.load(file), file,
                new ExperimentRunner.Options(tmp.resolve("results"), null, tmp, env, true)).runDir();
        assertEquals(Files.readString(first.resolve("metrics.json")), Files.readString(third.resolve("metrics.json")),
                "retraining gives the weights the cache holds");
    }

    /** A fine-tuned TorchScript model is keyed by the file's content, not by where it lies. */
    @Test
    void aLoadedModelIsKeyedByItsContentNotItsPath() throws IOException {
        byte[] model;
        try (var in = ModelCacheIT.class.getResourceAsStream("/torchscript/colour-bn-dropout.pt")) {
            model = in.readAllBytes();
        }
        Files.write(tmp.resolve("a.pt"), model);
        Files.createDirectories(tmp.resolve("sub"));
        Files.write(tmp.resolve("sub/b.pt"), model);
        byte[] other = model.clone();
        other[other.length / 2] ^= 1;
        Files.write(tmp.resolve("c.pt"), other);
        String tune = BASE.replace("{architecture: mlp, epochs: 1, batch_size: 32}", "{file: a.pt, epochs: 1, batch_size: 32}");
        Dataset data = TestFixtures.mnistSubset();
        java.util.function.Function<String, String> keyOf = yaml ->
                ModelProvider.cacheKey(ModelSources.of(ExperimentLoader.parse("x.yaml", yaml), tmp).get(0), data);
        String base = keyOf.apply(tune);
        assertEquals(base, keyOf.apply(tune.replace("a.pt", "sub/b.pt")), "the same file elsewhere");
        assertNotEquals(base, keyOf.apply(tune.replace("a.pt", "c.pt")), "a file with one byte changed");
        assertNotEquals(base, keyOf.apply(tune.replace("epochs: 1,", "epochs: 1, trainable_layers: last,")), "only the last layer");
        assertNotEquals(base, keyOf.apply(tune.replace("epochs: 1,", "epochs: 1, augmentation: {flip: true},")), "augmented");
        assertNotEquals(base, keyOf.apply(tune.replace("epochs: 1,", "epochs: 1, preprocessing: {mean: [0.5], std: [0.5]},")),
                "preprocessing");
        assertNotEquals(key(BASE), key(BASE.replace("epochs: 1,", "epochs: 1, augmentation: {flip: true},")),
                "augmentation is a training input of a model trained here too");
    }
}
