package advbench.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import advbench.Json;
import advbench.report.RunRecorder;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What must hold when things go wrong while a run works: the real command in its own process,
 * killed with SIGKILL at several points; two runs started at once; a damaged model cache; a full
 * disk (a real small tmpfs, where the machine allows mounting); training that diverges. Nothing
 * half-written may ever look finished, and a rerun must give the same numbers.
 */
class FaultIT {
    static final String EXPERIMENT = """
            name: fault
            seed: 3
            dataset: {name: mnist, train_subset: 2000, test_subset: 200}
            model: {architecture: small-cnn, epochs: 2, batch_size: 32}
            attacks: [{type: fgsm}, {type: pgd, steps: 10}]
            epsilons: [0.0, 0.1, 0.2]
            evaluation: {batch_size: 50, threads: 1}
            """;

    @TempDir
    static Path tmp;
    static Path file;
    /** An uninterrupted run in its own process: what every other run must reproduce. */
    static Path reference;

    @BeforeAll
    static void referenceRun() throws Exception {
        file = Files.writeString(tmp.resolve("fault.yaml"), EXPERIMENT);
        Run r = Run.start(tmp.resolve("reference"), tmp.resolve("cache-reference"));
        assertEquals(0, r.waitFor(), r.err());
        reference = r.runFolder();
    }

    /** The command in a JVM of its own, its stderr read line by line as it comes. */
    record Run(Process process, List<String> lines, Path results) {

        static Run start(Path results, Path cache) throws IOException {
            String javaBin = ProcessHandle.current().info().command().orElse("java");
            ProcessBuilder pb = new ProcessBuilder(javaBin, "-Xmx2g", "-Djava.awt.headless=true", "-Dai.djl.offline=true", "-cp",
                    System.getProperty("java.class.path"), "advbench.cli.BenchCommand", "run", file.toString(), "--results-dir",
                    results.toString());
            pb.environment().put("BENCH_CACHE", cache.toString());
            pb.redirectOutput(ProcessBuilder.Redirect.DISCARD);
            Process p = pb.start();
            List<String> lines = java.util.Collections.synchronizedList(new ArrayList<>());
            Thread reader = new Thread(() -> {
                try (BufferedReader in = new BufferedReader(new InputStreamReader(p.getErrorStream(), StandardCharsets.UTF_8))) {
                    for (String line; (line = in.readLine()) != null; ) {
                        lines.add(line);
                    }
                } catch (IOException ignored) {
                    // the process was killed
                }
            });
            reader.setDaemon(true);
            reader.start();
            return new Run(p, lines, results);
        }

        /** Waits for a log line containing {@code text}, then kills the process with SIGKILL. */
        void killAt(String text) throws InterruptedException {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
            while (!saw(text) && process.isAlive() && System.nanoTime() < deadline) {
                Thread.sleep(5);
            }
            process.destroyForcibly(); // SIGKILL on Linux: no shutdown hook, no finally block runs
            process.waitFor(30, TimeUnit.SECONDS);
        }

        /** Whether a line so far contains text; a synchronized list's stream must hold its lock while the reader adds lines. */
        boolean saw(String text) {
            synchronized (lines) {
                return lines.stream().anyMatch(l -> l.contains(text));
            }
        }

        int waitFor() throws InterruptedException {
            assertTrue(process.waitFor(300, TimeUnit.SECONDS), "the run finishes");
            return process.exitValue();
        }

        String err() {
            synchronized (lines) {
                return String.join("\n", lines);
            }
        }

        /** The newest complete run folder (run ids sort by their start time). */
        Path runFolder() throws IOException {
            try (Stream<Path> dirs = Files.list(results.resolve("fault"))) {
                return dirs.filter(d -> Files.isRegularFile(d.resolve("manifest.json")))
                        .max(java.util.Comparator.comparing(d -> d.getFileName().toString())).orElseThrow();
            }
        }
    }

    /**
     * Killed while training, while attacking, and while recording: no folder gets a manifest
     * (or, if the kill came after it, the folder is whole and right), no file under its final name
     * is partial, and a rerun into the same results folder gives the reference's numbers.
     */
    @Test
    void killedAtAnyPointLeavesNothingThatLooksFinishedAndARerunGivesTheSameNumbers() throws Exception {
        Path results = tmp.resolve("killed");
        String[] points = {"training small-cnn", "epoch 2/2:", "evaluating baseline", "FGSM:", "figures and tables"};
        for (int i = 0; i < points.length; i++) {
            Run.start(results, tmp.resolve("cache-killed-" + i)).killAt(points[i]);
        }
        try (Stream<Path> dirs = Files.list(results.resolve("fault"))) {
            List<Path> folders = dirs.toList();
            assertEquals(points.length, folders.size(), "each run got its own folder");
            for (Path folder : folders) {
                assertNothingPartial(folder);
            }
        }
        Run rerun = Run.start(results, tmp.resolve("cache-killed-0"));
        assertEquals(0, rerun.waitFor(), rerun.err());
        assertEquals(Files.readString(reference.resolve("metrics.json")), Files.readString(rerun.runFolder().resolve("metrics.json")));
    }

    /**
     * Every file under its final name is whole: JSON parses, images decode, SVG is XML, CSV rows
     * are complete, the weights are the reference's; a folder with a manifest has all its files.
     */
    static void assertNothingPartial(Path folder) throws Exception {
        boolean complete = Files.isRegularFile(folder.resolve("manifest.json"));
        List<Path> files;
        try (Stream<Path> walk = Files.walk(folder)) {
            files = walk.filter(Files::isRegularFile).toList();
        }
        for (Path f : files) {
            String name = f.getFileName().toString();
            if (name.startsWith(".") || name.endsWith(".partial")) {
                assertFalse(complete, "a complete run leaves no temporary or partial file: " + f);
                continue;
            }
            if (name.endsWith(".json")) {
                Json.MAPPER.readTree(f.toFile());
            } else if (name.endsWith(".png")) {
                assertTrue(ImageIO.read(f.toFile()) != null, f.toString());
            } else if (name.endsWith(".svg")) {
                DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(f.toFile());
            } else if (name.endsWith(".csv")) {
                List<String> lines = Files.readAllLines(f);
                int columns = lines.get(0).split(",", -1).length;
                assertTrue(Files.readString(f).endsWith("\n"), f.toString());
                if (!name.equals("predictions.csv")) {
                    lines.forEach(l -> assertEquals(columns, l.split(",", -1).length, f + ": " + l));
                }
            } else if (name.endsWith(".params")) {
                assertEquals(RunRecorder.sha256(reference.resolve(name)), RunRecorder.sha256(f), "whole weights: " + f);
            }
        }
        if (complete) {
            assertEquals(Files.readString(reference.resolve("metrics.json")), Files.readString(folder.resolve("metrics.json")));
            assertTrue(Files.isRegularFile(folder.resolve("run.log")));
        }
    }

    /** Two runs started in the same second, sharing one model cache: both finish, in their own folders, with the same numbers. */
    @Test
    void twoRunsStartedTogetherBothFinishInDistinctFolders() throws Exception {
        Path results = tmp.resolve("together");
        Path cache = tmp.resolve("cache-together");
        Run a = Run.start(results, cache);
        Run b = Run.start(results, cache);
        assertEquals(0, a.waitFor(), a.err());
        assertEquals(0, b.waitFor(), b.err());
        try (Stream<Path> dirs = Files.list(results.resolve("fault"))) {
            List<Path> folders = dirs.toList();
            assertEquals(2, folders.size());
            assertNotEquals(folders.get(0), folders.get(1));
            for (Path folder : folders) {
                assertEquals(Files.readString(reference.resolve("metrics.json")), Files.readString(folder.resolve("metrics.json")));
            }
        }
    }

    /**
     * A cache entry whose weights were cut short (or altered, or written by an older version
     * without a checksum and cut short, or cannot be loaded although they match their checksum),
     * or whose training record is not JSON, is noticed, said in one warning line, and trained
     * anew: the same numbers, and an entry that is whole again, which the next run reuses.
     */
    @Test
    void aDamagedCacheEntryIsRetrainedWithOneWarningAndReplaced() throws Exception {
        // eleven runs, six of them training: one epoch and FGSM alone are enough to see the entry replaced
        Path light = Files.writeString(tmp.resolve("damaged.yaml"), EXPERIMENT.replace("name: fault", "name: damaged")
                .replace("epochs: 2", "epochs: 1").replace("[{type: fgsm}, {type: pgd, steps: 10}]", "[{type: fgsm}]"));
        Path cache = tmp.resolve("cache-damaged");
        Map<String, String> env = new HashMap<>(System.getenv());
        env.put("BENCH_CACHE", cache.toString());
        Outcome first = inProcess(light, tmp.resolve("damaged-first"), env);
        Path entry;
        try (Stream<Path> dirs = Files.list(cache.resolve("models"))) {
            entry = dirs.filter(Files::isDirectory).findFirst().orElseThrow();
        }
        Path weights = entry.resolve("model-0000.params");
        byte[] whole = Files.readAllBytes(weights);
        for (String damage : List.of("truncated", "altered", "truncated, no checksum", "unloadable, matching checksum", "record not JSON")) {
            byte[] bad = damage.startsWith("altered") ? whole.clone() : damage.startsWith("unloadable")
                    ? "not DJL parameters".getBytes(java.nio.charset.StandardCharsets.UTF_8) : java.util.Arrays.copyOf(whole, whole.length / 2);
            if (damage.startsWith("altered")) {
                bad[bad.length - 10] ^= 0x40;
            }
            if (damage.startsWith("record")) {
                Files.writeString(entry.resolve("training.json"), "{\"epochs\": [");
            } else {
                Files.write(weights, bad);
            }
            if (damage.endsWith("no checksum")) {
                Files.delete(entry.resolve("weights.sha256"));
            }
            if (damage.endsWith("matching checksum")) {
                Files.writeString(entry.resolve("weights.sha256"), RunRecorder.sha256(weights) + "\n");
            }
            Outcome o = inProcess(light, tmp.resolve("damaged-" + damage.replace(' ', '-').replace(",", "")), env);
            assertEquals(0, o.code, damage + ": " + o.err);
            assertTrue(o.err.contains("warning: the model cache entry " + entry + " is damaged"), damage + ": " + o.err);
            assertTrue(o.err.contains("training small-cnn"), damage + ": trained anew");
            // this JVM's engine may run with another thread count than the reference's processes: compare with its own first run
            assertEquals(Files.readString(first.runFolder.resolve("metrics.json")), Files.readString(o.runFolder.resolve("metrics.json")), damage);
            assertEquals(RunRecorder.sha256(first.runFolder.resolve("model-0000.params")), RunRecorder.sha256(weights),
                    damage + ": the entry is whole again");
            Outcome next = inProcess(light, tmp.resolve("damaged-after-" + damage.replace(' ', '-').replace(",", "")), env);
            assertTrue(next.err.contains("reusing trained weights") && !next.err.contains("is damaged"), damage + ", the run after: " + next.err);
        }
    }

    /**
     * A full disk (a real 300 KiB tmpfs as the results folder): the run fails with one line (as the
     * CLI words it) that names the file it could not write, and leaves no partial file under a
     * final name and no manifest. Skipped where this machine cannot mount.
     */
    @Test
    void aFullDiskFailsNamingTheFileAndLeavesNoPartialFile() throws Exception {
        Path disk = Files.createDirectories(tmp.resolve("full"));
        assumeTrue(Mounts.tmpfs(disk, "size=300k"), "this machine cannot mount a tmpfs");
        try {
            Map<String, String> env = new HashMap<>(System.getenv());
            env.put("BENCH_CACHE", tmp.resolve("cache-full").toString());
            Exception failure = null;
            try {
                inProcess(file, disk, env);
            } catch (Exception e) {
                failure = e;
            }
            assertTrue(failure != null, "the run must fail on a full disk");
            String line = BenchCommand.oneLine(BenchCommand.describe(failure, false));
            assertTrue(line.startsWith("failed: cannot write " + disk + "/fault/") && line.contains("No space left on device"), line);
            try (Stream<Path> dirs = Files.list(disk.resolve("fault"))) {
                for (Path folder : dirs.toList()) {
                    assertFalse(Files.exists(folder.resolve("manifest.json")));
                    assertNothingPartial(folder);
                }
            }
        } finally {
            Mounts.unmount(disk);
        }
    }

    /** Training that explodes stops at once with exit 1 and one line naming epoch and batch; no metrics are written. */
    @Test
    void divergingTrainingStopsNamingEpochAndBatch() throws IOException {
        Path f = Files.writeString(tmp.resolve("diverge.yaml"), EXPERIMENT.replace("name: fault", "name: diverge")
                .replace("architecture: small-cnn, epochs: 2, batch_size: 32}", "architecture: mlp, epochs: 2, batch_size: 32, learning_rate: 9.9}"));
        Path results = tmp.resolve("diverge-results");
        BenchCommandTest.Outcome o = BenchCommandTest.bench("run", f.toString(), "--results-dir", results.toString(), "--retrain");
        assertEquals(1, o.code(), o.err());
        List<String> failures = o.err().lines().filter(l -> l.startsWith("failed:")).toList();
        assertEquals(1, failures.size(), o.err());
        assertTrue(failures.get(0).matches("failed: training diverged: the loss is \\S+ at epoch 1, batch \\d+ of 63 \\(adam, learning rate 9.9\\); "
                + "lower the learning rate"), failures.get(0));
        try (Stream<Path> dirs = Files.list(results.resolve("diverge"))) {
            Path folder = dirs.findFirst().orElseThrow();
            try (Stream<Path> files = Files.list(folder)) {
                assertEquals(List.of("config.yaml", "run.log.partial"), files.map(p -> p.getFileName().toString()).sorted().toList(),
                        "nothing that looks like a result");
            }
        }
    }

    record Outcome(int code, String err, Path runFolder) {}

    /** The runner in this JVM with its own environment (the CLI reads the process's). */
    static Outcome inProcess(Path file, Path results, Map<String, String> env) throws IOException {
        java.io.ByteArrayOutputStream err = new java.io.ByteArrayOutputStream();
        advbench.RunLog log = new advbench.RunLog(new java.io.PrintStream(err, true, StandardCharsets.UTF_8));
        var spec = advbench.experiment.ExperimentLoader.load(file);
        var result = new advbench.experiment.ExperimentRunner(log).run(spec, file,
                new advbench.experiment.ExperimentRunner.Options(results, null, tmp, env, false));
        return new Outcome(0, err.toString(StandardCharsets.UTF_8), result.runDir());
    }
}
