package advbench.benchmark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import advbench.RunLog;
import advbench.UserError;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The side-by-side comparison's plumbing: what a side's process printed, recorded figures, and the
 * pair-by-pair ratios, with real processes (sh) standing in for the two sides' programs.
 */
class PyTorchComparisonTest {

    @Test
    void theSecondsComeFromTheLastJsonLine() {
        String out = "epoch 1/2: ...\n{\"phase\": \"train\", \"seconds\": 1.5}\nnoise {not json}\n{\"phase\": \"train\", \"seconds\": 2.25}\ntrailing\n";
        assertEquals(2.25, PyTorchComparison.lastSeconds(out, Path.of("log")), 0.0);
        assertThrows(advbench.RunFailure.class, () -> PyTorchComparison.lastSeconds("no json here\n{\"phase\": 1}\n", Path.of("log")));
    }

    @Test
    void recordedFiguresAreTheMedianPerPhase(@TempDir Path tmp) throws IOException {
        Path f = Files.writeString(tmp.resolve("py.txt"), """
                epoch 1/2: loss 0.2463
                {"phase": "train", "seconds": 18.5, "epochs": 2}
                {"phase": "train", "seconds": 20.0}
                {"phase": "train", "seconds": 19.0}
                {"phase": "fgsm-sweep", "seconds": 15.8}
                {"phase": "fgsm-sweep", "seconds": -1}
                {"phase": "fgsm-sweep", "seconds": "fast"}
                {broken
                """);
        assertEquals(Map.of("train", 19.0, "fgsm-sweep", 15.8), PyTorchComparison.recorded(f));
    }

    @Test
    void aFileWithoutFiguresOrMissingIsOneLine(@TempDir Path tmp) throws IOException {
        Path empty = Files.writeString(tmp.resolve("empty.txt"), "nothing\n{\"seconds\": 3}\n");
        UserError e = assertThrows(UserError.class, () -> PyTorchComparison.recorded(empty));
        assertTrue(e.getMessage().startsWith("--pytorch-figures: "), e.getMessage());
        UserError missing = assertThrows(UserError.class, () -> PyTorchComparison.recorded(tmp.resolve("absent.txt")));
        assertTrue(missing.getMessage().contains("cannot read"), missing.getMessage());
    }

    @Test
    void pairsAlternateAndTheRatioIsTakenPairByPair(@TempDir Path tmp) throws IOException {
        Path order = tmp.resolve("order");
        PyTorchComparison c = new PyTorchComparison(tmp.resolve("processes.log"), RunLog.silent());
        List<String> ours = List.of("sh", "-c", "echo ours >> " + order + "; echo '{\"seconds\": 2.0}'");
        List<String> theirs = List.of("sh", "-c", "echo theirs >> " + order + "; echo '{\"seconds\": 6.0}'");
        PyTorchComparison.Row row = c.measure("p", "work", ours, theirs, null, 3);
        assertEquals(List.of("ours", "theirs", "ours", "theirs", "ours", "theirs"), Files.readAllLines(order));
        assertEquals(3.0, row.speedup()[0], 1e-12);
        assertEquals(2.0, row.workbenchMedian(), 0.0);
        assertEquals(6.0, row.pytorchMedian(), 0.0);
        assertTrue(row.processSpeedup()[0] > 0);
        assertTrue(PyTorchComparison.table(List.of(row), "test").contains("3.00x"));

        PyTorchComparison.Row rec = c.measure("p", "work", ours, theirs, 5.0, 2);
        assertEquals(2.5, rec.speedup()[0], 1e-12);
        assertEquals(8, Files.readAllLines(order).size(), "with a recorded figure only the workbench's side runs");
    }

    @Test
    void aSideThatFailsOrPrintsNoFigureStopsTheComparison(@TempDir Path tmp) {
        PyTorchComparison c = new PyTorchComparison(tmp.resolve("processes.log"), RunLog.silent());
        List<String> ok = List.of("sh", "-c", "echo '{\"seconds\": 1}'");
        advbench.RunFailure failed = assertThrows(advbench.RunFailure.class,
                () -> c.measure("p", "w", ok, List.of("sh", "-c", "echo '{\"seconds\": 1}'; exit 3"), null, 1));
        assertTrue(failed.getMessage().contains("exited with 3"), failed.getMessage());
        // an earlier process's figure in the shared log must not be taken for this one's
        assertThrows(advbench.RunFailure.class, () -> c.measure("p", "w", ok, List.of("sh", "-c", "echo done"), null, 1));
    }
}
