package advbench.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Exit codes and one-line errors, through the real command line. */
public class BenchCommandTest {
    @TempDir
    Path tmp;

    public record Outcome(int code, String out, String err) {}

    public static Outcome bench(String... args) {
        PrintStream oldOut = System.out;
        PrintStream oldErr = System.err;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        try {
            System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
            System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
            int code = BenchCommand.execute(args);
            return new Outcome(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(oldOut);
            System.setErr(oldErr);
        }
    }

    static void assertOneLineError(Outcome o, String expectedStart) {
        assertEquals(2, o.code(), o.err());
        assertTrue(o.err().startsWith("error: " + expectedStart), o.err());
        assertEquals(1, o.err().strip().lines().count(), "one line, no stack trace: " + o.err());
        assertFalse(o.err().contains("Exception"), o.err());
    }

    @Test
    void badExperimentFileExitsTwoWithFileLineAndField() throws IOException {
        Path file = Files.writeString(tmp.resolve("bad.yaml"),
                Files.readString(Path.of("experiments/fgsm.yaml")).replace("epochs: 2", "epochs: -1"));
        Outcome o = bench("run", file.toString(), "--results-dir", tmp.resolve("results").toString());
        assertOneLineError(o, file + ":");
        assertTrue(o.err().contains("model.epochs: must be at least 1"), o.err());
        assertFalse(Files.exists(tmp.resolve("results")), "nothing is written for a bad file");
    }

    @Test
    void missingDataExitsTwoNamingTheFiles() {
        Outcome o = bench("run", "experiments/fgsm.yaml", "--data-dir", tmp.toString(),
                "--results-dir", tmp.resolve("results").toString());
        assertOneLineError(o, "mnist: data directory " + tmp + " lacks train-images-idx3-ubyte.gz");
        assertFalse(Files.exists(tmp.resolve("results")));
    }

    /** --verbose is a subcommand's option: it must reach the handler that prints the stack trace (it once did not). */
    @Test
    void verboseShowsTheStackTraceAndOnlyThen() {
        Outcome quiet = bench("run", "nope.yaml");
        Outcome verbose = bench("run", "nope.yaml", "--verbose");
        assertEquals(1, quiet.err().strip().lines().count(), quiet.err());
        assertEquals(2, verbose.code());
        assertTrue(verbose.err().startsWith("error: nope.yaml: no such experiment file"), verbose.err());
        assertTrue(verbose.err().contains("\tat advbench."), "a stack trace: " + verbose.err());
    }

    /** A failure that is a bug says so, and names its exception: the one line a bug report needs. */
    @Test
    void aBugSaysItIsOne() {
        String line = BenchCommand.describe(new IllegalStateException("no such state"), false);
        assertTrue(line.startsWith("failed: a bug: java.lang.IllegalStateException: no such state"), line);
        assertTrue(line.endsWith("(run with --verbose for the stack trace, and please report it)"), line);
        String io = BenchCommand.describe(new RuntimeException(new java.io.UncheckedIOException(
                new java.nio.file.AccessDeniedException("/data/x"))), false);
        assertEquals("failed: permission denied: /data/x", io);
    }

    @Test
    void missingFileAndBadOptionsExitTwo() {
        assertOneLineError(bench("run", "nope.yaml"), "nope.yaml: no such experiment file");
        assertOneLineError(bench("run", "experiments/fgsm.yaml", "--threads", "many"), "Invalid value for option '--threads'");
        assertOneLineError(bench("run", "experiments/fgsm.yaml", "--threads", "-1"), "--threads must be 0 (all cores) or a positive number");
        assertOneLineError(bench("run"), "Missing required parameter: 'EXPERIMENT'");
        assertOneLineError(bench("frobnicate"), "Unmatched argument");
    }

    @Test
    void helpExitsZero() {
        Outcome o = bench("run", "--help");
        assertEquals(0, o.code());
        assertTrue(o.out().contains("--data-dir"), o.out());
    }
}
