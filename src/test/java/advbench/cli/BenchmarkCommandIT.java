package advbench.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import advbench.Json;
import advbench.model.Architectures;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * bench benchmark on a tiny experiment: it must run every phase for every architecture and write
 * a table and a JSON copy whose figures are consistent. Speeds themselves are not asserted (a
 * slow machine is not a bug); the benchmark command is where they are read.
 */
class BenchmarkCommandIT {

    @Test
    void writesATableAndJsonForEveryArchitectureAndTheTrainedModel(@TempDir Path tmp) throws IOException {
        Path file = Files.writeString(tmp.resolve("tiny.yaml"), """
                name: tiny-bench
                seed: 2
                dataset: {name: mnist, train_subset: 500, test_subset: 200}
                model: {architecture: mlp, epochs: 1, batch_size: 32}
                attacks: [{type: fgsm}]
                epsilons: [0.0, 0.1]
                """);
        BenchCommandTest.Outcome o = new BenchCommandTest().bench("benchmark", "--experiment", file.toString(), "--images", "40",
                "--memory-sweep", "--memory-images", "40", "--batch-size", "20", "--min-seconds", "0", "--results-dir", tmp.resolve("results").toString());
        assertEquals(0, o.code(), o.err());
        assertTrue(o.out().contains("forward+backward (input gradient)"), o.out());
        assertTrue(o.out().contains("peak resident memory"), o.out());
        assertTrue(o.out().contains("long sweep (PGD-40, 20 epsilons"), o.out());
        assertTrue(o.out().contains("AutoAttack (standard) at eps 0.1"), o.out());
        assertTrue(o.out().contains("AutoAttack (fast) at eps 0.1"), o.out());

        List<Path> jsons;
        try (Stream<Path> files = Files.walk(tmp.resolve("results/benchmark"))) {
            jsons = files.filter(p -> p.getFileName().toString().equals("benchmark.json")).toList();
        }
        assertEquals(1, jsons.size());
        JsonNode report = Json.MAPPER.readTree(jsons.get(0).toFile());
        assertEquals(Architectures.names().size() + 1, report.get("architectures").size(), "every architecture and the trained model");
        for (JsonNode arch : report.get("architectures")) {
            for (JsonNode rate : arch.get("rates")) {
                assertTrue(rate.get("images_per_second").asDouble() > 0, rate.toString());
            }
            assertEquals(1.0, arch.get("rates").get(0).get("cost_vs_forward_backward").asDouble(), 1e-9, "the baseline is itself");
        }
        assertTrue(report.get("end_to_end_seconds").asDouble() > 0);
        assertTrue(report.get("peak_resident_mib").asDouble() > 0 || report.get("peak_resident_mib").asDouble() == -1);
        JsonNode curve = report.get("memory_curve");
        assertTrue(curve.size() >= 2, "a first sample and the last one at close: " + curve);
        for (JsonNode sample : curve) {
            assertTrue(sample.get("heap_committed_mib").asDouble() >= sample.get("heap_used_mib").asDouble(), sample.toString());
            assertTrue(sample.get("direct_mib").asDouble() >= 0, sample.toString());
        }
        assertEquals(curve.get(curve.size() - 1).get("resident_mib").asDouble(), report.get("memory_end_mib").asDouble(), 1e-9);
    }

    @Test
    void aNegativeTimingFloorIsAUserError() {
        BenchCommandTest.Outcome o = new BenchCommandTest().bench("benchmark", "--min-seconds", "-1");
        assertEquals(2, o.code());
        assertTrue(o.err().startsWith("error: --min-seconds"), o.err());
    }

    @Test
    void aBadImageCountIsAUserError() {
        BenchCommandTest.Outcome o = new BenchCommandTest().bench("benchmark", "--images", "0");
        assertEquals(2, o.code());
        assertTrue(o.err().startsWith("error: --images"), o.err());
    }

    @Test
    void theSideBySideComparisonChecksItsInputsBeforeAnyWork(@TempDir Path tmp) throws IOException {
        BenchCommandTest cli = new BenchCommandTest();
        String results = tmp.resolve("results").toString();
        BenchCommandTest.Outcome pairs = cli.bench("benchmark", "--vs-pytorch", "--pairs", "0", "--results-dir", results);
        assertEquals(2, pairs.code());
        assertTrue(pairs.err().startsWith("error: --pairs"), pairs.err());

        BenchCommandTest.Outcome python = cli.bench("benchmark", "--vs-pytorch", "--python", tmp.resolve("no-python").toString(), "--results-dir", results);
        assertEquals(2, python.code());
        assertTrue(python.err().startsWith("error: --vs-pytorch: cannot run "), python.err());
        assertEquals(1, python.err().strip().lines().count(), python.err());

        BenchCommandTest.Outcome noTorch = cli.bench("benchmark", "--vs-pytorch", "--python", "sh", "--results-dir", results);
        assertEquals(2, noTorch.code());
        assertTrue(noTorch.err().contains("cannot import torch and torchattacks"), noTorch.err());

        Path partial = Files.writeString(tmp.resolve("py.txt"), "{\"phase\": \"train\", \"seconds\": 18.5}\n");
        BenchCommandTest.Outcome missing = cli.bench("benchmark", "--vs-pytorch", "--pytorch-figures", partial.toString(), "--results-dir", results);
        assertEquals(2, missing.code());
        assertTrue(missing.err().startsWith("error: --pytorch-figures: ") && missing.err().contains("no \"fgsm-sweep\" line"), missing.err());

        BenchCommandTest.Outcome phase = cli.bench("benchmark", "--phase", "attack", "--model-dir", tmp.toString());
        assertEquals(2, phase.code());
        assertTrue(phase.err().startsWith("error: --phase"), phase.err());
        assertTrue(Files.notExists(tmp.resolve("results")), "nothing written");
    }
}
