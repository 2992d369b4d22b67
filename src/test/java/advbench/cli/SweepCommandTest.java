package advbench.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import advbench.cli.BenchCommandTest.Outcome;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** bench sweep and bench run --set refuse bad input with one line and exit 2, before writing anything. */
class SweepCommandTest {
    @TempDir
    Path tmp;

    Path files() throws IOException {
        Files.writeString(tmp.resolve("base.yaml"), "name: t\nseed: 1\ndataset:\n  name: mnist\nmodel:\n  architecture: mlp\n"
                + "attacks:\n  - type: fgsm\nepsilons: [0.0, 0.1]\n");
        return Files.writeString(tmp.resolve("s.yaml"), "base: base.yaml\nseeds: [1, 2]\n");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "--jobs 0|--jobs must be at least 1",
        "--jobs 100000|is more than this machine's",
        "--wait|--wait, --partition, --time and --max-parallel go with --slurm",
        "--max-parallel 2|go with --slurm",
        "--slurm --time abc|--time abc: expected Slurm's form",
        "--slurm --partition a;b|--partition a;b: not a partition name",
        "--slurm --cpus-per-task 0|--cpus-per-task must be at least 1",
        "--task 5|--task 5: the sweep has variants 0 to 1",
    })
    void badOptionsExitTwoWithOneLine(String options, String expected) throws IOException {
        Path sweep = files();
        java.util.List<String> args = new java.util.ArrayList<>(java.util.List.of("sweep", sweep.toString()));
        args.addAll(java.util.List.of(options.split(" ")));
        args.addAll(java.util.List.of("--results-dir", tmp.resolve("results").toString()));
        Outcome o = BenchCommandTest.bench(args.toArray(String[]::new));
        assertEquals(2, o.code(), o.err());
        assertTrue(o.err().contains(expected), o.err());
        assertEquals(1, o.err().strip().lines().count(), o.err());
        assertFalse(Files.exists(tmp.resolve("results")), "nothing written before the options are checked");
    }

    @Test
    void aBadSweepFileOrOverrideIsOneLineAndStatusListsPendingVariants() throws IOException {
        Path sweep = files();
        Files.writeString(tmp.resolve("bad.yaml"), "base: base.yaml\ngrid:\n  model.epochs: [0]\n");
        Outcome bad = BenchCommandTest.bench("sweep", tmp.resolve("bad.yaml").toString(), "--results-dir", tmp.resolve("r").toString());
        assertEquals(2, bad.code(), bad.err());
        assertTrue(bad.err().contains("grid: model.epochs=0: model.epochs:"), bad.err());

        Outcome set = BenchCommandTest.bench("run", tmp.resolve("base.yaml").toString(), "--set", "model.epochs=0",
                "--results-dir", tmp.resolve("r").toString());
        assertEquals(2, set.code(), set.err());
        assertTrue(set.err().startsWith("error: --set model.epochs=0: model.epochs:") || set.err().contains("--set model.epochs=0: model.epochs:"),
                set.err());
        assertFalse(Files.exists(tmp.resolve("r")));

        Outcome status = BenchCommandTest.bench("sweep", "status", sweep.toString(), "--results-dir", tmp.resolve("r").toString());
        assertEquals(0, status.code(), status.err());
        assertTrue(status.out().contains("0 done, 0 running, 0 failed, 2 pending"), status.out());
        assertTrue(status.out().contains("seed=2"), status.out());

        Files.createDirectories(tmp.resolve("r/sweeps/s/variants"));
        Files.writeString(tmp.resolve("r/sweeps/s/variants.csv"), "variant,seed\n0,1\n");
        Outcome figures = BenchCommandTest.bench("figures", tmp.resolve("r/sweeps/s").toString());
        assertEquals(2, figures.code(), figures.err());
        assertTrue(figures.err().contains("no variant has finished yet"), figures.err());
    }
}
