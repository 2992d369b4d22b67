package advbench.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import advbench.Json;
import advbench.RunLog;
import advbench.experiment.ExperimentLoader;
import advbench.experiment.ExperimentRunner;
import advbench.model.Engines;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** bench reference and bench verify on two real runs of a tiny experiment. */
class VerifyCommandIT {
    static final String EXPERIMENT = """
            name: tiny
            seed: 2
            dataset: {name: mnist, train_subset: 1000, test_subset: 200}
            model: {architecture: mlp, epochs: 1, batch_size: 32}
            attacks: [{type: fgsm}]
            epsilons: [0.0, 0.1, 0.2]
            """;

    @TempDir
    static Path tmp;
    static Path first;
    static Path second;
    static Path reference;

    @BeforeAll
    static void twoRunsAndAReference() throws IOException {
        Engines.configure(0);
        Path file = Files.writeString(tmp.resolve("tiny.yaml"), EXPERIMENT);
        var options = new ExperimentRunner.Options(tmp.resolve("results"), null, tmp, System.getenv(), true);
        first = new ExperimentRunner(RunLog.silent()).run(ExperimentLoader.load(file), file, options).runDir();
        second = new ExperimentRunner(RunLog.silent()).run(ExperimentLoader.load(file), file, options).runDir();
        reference = tmp.resolve("ref.json");
        assertEquals(0, new BenchCommandTest().bench("reference", first.toString(), "-o", reference.toString()).code());
    }

    @Test
    void aSecondRunOfTheSameFileVerifies() {
        BenchCommandTest.Outcome o = new BenchCommandTest().bench("verify", second.toString(), "--reference", reference.toString());
        assertEquals(0, o.code(), o.out() + o.err());
        assertTrue(o.out().contains("all 10 metrics within tolerance"), o.out());
        assertTrue(o.out().contains("FGSM/eps=0.2/accuracy"), o.out());
    }

    /** The reference with one metric moved by {@code delta} and, if given, a tolerance of its own. */
    static Path moved(String name, String metric, double delta, Double tolerance) throws IOException {
        ObjectNode ref = (ObjectNode) Json.MAPPER.readTree(reference.toFile());
        ObjectNode metrics = (ObjectNode) ref.get("metrics");
        metrics.put(metric, metrics.get(metric).asDouble() + delta);
        if (tolerance != null) {
            ((ObjectNode) ref.get("tolerances")).put(metric, tolerance);
        }
        return Files.writeString(tmp.resolve(name), Json.MAPPER.writeValueAsString(ref));
    }

    @Test
    void aMovedReferenceNumberFailsWithATable() throws IOException {
        Path moved = moved("moved.json", "FGSM/eps=0.1/accuracy", 0.05, null);
        BenchCommandTest.Outcome o = new BenchCommandTest().bench("verify", second.toString(), "--reference", moved.toString());
        assertEquals(1, o.code(), o.out() + o.err());
        String failing = o.out().lines().filter(l -> l.contains("FAIL")).findFirst().orElseThrow();
        assertTrue(failing.startsWith("FGSM/eps=0.1/accuracy") && failing.contains("-0.0500"), failing);
        assertTrue(o.out().contains("1 of 10 metrics drifted beyond tolerance"), o.out());
    }

    @Test
    void aPerMetricToleranceCanAbsorbTheDrift() throws IOException {
        Path file = moved("tolerant.json", "clean/accuracy", -0.03, 0.05);
        assertEquals(0, new BenchCommandTest().bench("verify", second.toString(), "--reference", file.toString()).code());
    }

    @Test
    void malformedReferencesExitTwo() throws IOException {
        Path notJson = Files.writeString(tmp.resolve("bad1.json"), "{ metrics: ");
        BenchCommandTest.assertOneLineError(new BenchCommandTest().bench("verify", second.toString(), "--reference", notJson.toString()),
                notJson + ": not valid JSON");
        Path noMetrics = Files.writeString(tmp.resolve("bad2.json"), "{\"experiment\": \"tiny\"}");
        BenchCommandTest.assertOneLineError(new BenchCommandTest().bench("verify", second.toString(), "--reference", noMetrics.toString()),
                noMetrics + ": 'metrics' must be an object");
        Path text = Files.writeString(tmp.resolve("bad3.json"), "{\"experiment\": \"tiny\", \"metrics\": {\"clean/accuracy\": \"high\"}}");
        BenchCommandTest.assertOneLineError(new BenchCommandTest().bench("verify", second.toString(), "--reference", text.toString()),
                text + ": metrics.clean/accuracy must be a number");
        Path tol = Files.writeString(tmp.resolve("bad4.json"),
                "{\"experiment\": \"tiny\", \"metrics\": {\"clean/accuracy\": 0.9}, \"tolerances\": {\"nope\": 0.1}}");
        BenchCommandTest.assertOneLineError(new BenchCommandTest().bench("verify", second.toString(), "--reference", tol.toString()),
                tol + ": tolerances.nope names no metric");
        BenchCommandTest.assertOneLineError(new BenchCommandTest().bench("verify", tmp.toString(), "--reference", reference.toString()),
                tmp + ": not a run folder (no metrics.json)");
    }
}
