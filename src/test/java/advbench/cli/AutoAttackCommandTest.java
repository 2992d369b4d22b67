package advbench.cli;

import static advbench.cli.BenchCommandTest.assertOneLineError;
import static advbench.cli.BenchCommandTest.bench;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import advbench.experiment.ExperimentLoader;
import advbench.experiment.ExperimentSpec;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code bench autoattack}: the experiment a command line amounts to, and its bad values refused
 * with one line and exit code 2, naming the option, before any work (no run folder).
 */
class AutoAttackCommandTest {
    static final String MODEL = "src/test/resources/torchscript/mnist-cnn.pt";

    @TempDir
    Path tmp;

    @Test
    void aCommandLineIsAnExperimentFileThatBenchRunAccepts() {
        AutoAttackCommand c = new AutoAttackCommand();
        new CommandLine(c).parseArgs(MODEL, "--eps", "0.1,0.3", "--version", "fast", "--samples", "200", "--preprocessing", "0.1307/0.3081");
        ExperimentSpec spec = ExperimentLoader.parse("x.yaml", c.experiment());
        assertEquals("autoattack-mnist-cnn", spec.name());
        assertEquals(java.util.List.of(0.1, 0.3), spec.epsilons());
        assertEquals(200, spec.evaluation().samples());
        assertTrue(spec.attacks().get(0).label().startsWith("AutoAttack-fast"), spec.attacks().get(0).label());
        assertEquals(Path.of(MODEL).toAbsolutePath().normalize().toString(), spec.model().file());
    }

    @Test
    void badValuesExitTwoNamingTheOptionBeforeAnyWork() {
        String results = tmp.resolve("results").toString();
        assertOneLineError(bench("autoattack", MODEL, "--results-dir", results), "Missing required option: '--eps=EPS'");
        assertOneLineError(bench("autoattack", tmp.resolve("none.pt").toString(), "--eps", "0.3", "--results-dir", results), "MODEL: no file");
        assertOneLineError(bench("autoattack", MODEL, "--eps", "-0.3", "--results-dir", results), "--eps");
        assertOneLineError(bench("autoattack", MODEL, "--eps", "1.5", "--results-dir", results), "--eps");
        assertOneLineError(bench("autoattack", MODEL, "--eps", "x", "--results-dir", results), "Invalid value for option '--eps'");
        assertOneLineError(bench("autoattack", MODEL, "--eps", "0.3", "--version", "slow", "--results-dir", results),
                "--version: autoattack: unknown version 'slow'");
        assertOneLineError(bench("autoattack", MODEL, "--eps", "0.3", "--data", "imagenet", "--results-dir", results), "--data: unknown data set");
        assertOneLineError(bench("autoattack", MODEL, "--eps", "0.3", "--samples", "0", "--results-dir", results), "--samples");
        assertOneLineError(bench("autoattack", MODEL, "--eps", "0.3", "--preprocessing", "0.1", "--results-dir", results), "--preprocessing expects MEAN/STD");
        assertOneLineError(bench("autoattack", MODEL, "--eps", "0.3", "--preprocessing", "0.1/zero", "--results-dir", results),
                "--preprocessing: 'zero' is not a finite number");
        assertOneLineError(bench("autoattack", MODEL, "--eps", "0.3", "--preprocessing", "0.1/0", "--results-dir", results), "--preprocessing");
        assertOneLineError(bench("autoattack", MODEL, "--eps", "0.3", "--threads", "-2", "--results-dir", results), "--threads");
        assertFalse(Files.exists(tmp.resolve("results")), "nothing is written for a bad command line");
    }
}
