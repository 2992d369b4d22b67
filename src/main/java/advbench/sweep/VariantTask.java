package advbench.sweep;

import advbench.SpecException;
import advbench.UserError;
import advbench.experiment.ExperimentSpec;
import advbench.report.AtomicFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.function.Function;

/**
 * One variant run as one task ({@code bench sweep FILE --task i}, locally or as Slurm array task
 * i): marks its start, runs the experiment, and records its run folder and exit code in the
 * variant's folder, so that {@link VariantStatus} can tell done, running and failed apart. A task
 * stopped by a signal (Slurm's time limit, scancel) records exit 143 on its way out; one killed
 * outright leaves no exit mark, and its run folder no manifest, so it is not taken for done.
 */
public final class VariantTask {
    private VariantTask() {}

    public static Path run(SweepPlan plan, int index, Function<Variant, Path> runOne) {
        Variant v = plan.variant(index);
        Path dir = plan.variantDir(index);
        write(dir.resolve(VariantStatus.STARTED), VariantStatus.host() + " " + ProcessHandle.current().pid() + " " + Instant.now());
        deleteQuietly(dir.resolve(VariantStatus.EXIT));
        deleteQuietly(dir.resolve(VariantStatus.RUN_PATH));
        System.err.println("sweep " + plan.folder() + ": variant " + index + " (" + v.label() + ")");
        Thread onSignal = new Thread(() -> write(dir.resolve(VariantStatus.EXIT), "143 (stopped by a signal)"));
        Runtime.getRuntime().addShutdownHook(onSignal);
        int code = 1;
        try {
            Path runDir = runOne.apply(v);
            write(dir.resolve(VariantStatus.RUN_PATH), runDir.toAbsolutePath().toString());
            code = 0;
            return runDir;
        } catch (UserError | SpecException e) {
            code = 2;
            throw e;
        } finally {
            Runtime.getRuntime().removeShutdownHook(onSignal);
            if (code != 0) {
                write(dir.resolve(VariantStatus.EXIT), String.valueOf(code));
            }
        }
    }

    private static void write(Path file, String text) {
        AtomicFile.write(file, (text + "\n").getBytes(StandardCharsets.UTF_8));
    }

    private static void deleteQuietly(Path file) {
        try {
            java.nio.file.Files.deleteIfExists(file);
        } catch (java.io.IOException ignored) {
            // a stale mark is overwritten at the end anyway
        }
    }
}
