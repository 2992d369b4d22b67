package advbench.cli;

import advbench.UserError;
import advbench.report.MetricsDocument;
import advbench.report.OutputFolder;
import advbench.report.SavedRun;
import advbench.verify.Reference;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code bench reference <run-folder>}: writes the run's metrics as the new reference, for an
 * intentional change of the numbers. Per-metric tolerances of the reference it replaces are kept.
 */
@Command(name = "reference", mixinStandardHelpOptions = true,
        description = "Write a reference file from a finished run (default: results/reference/<experiment>.json).")
final class ReferenceCommand implements Callable<Integer> {

    @Parameters(paramLabel = "RUN", description = "finished run folder")
    Path run;

    @Option(names = {"-o", "--output"}, paramLabel = "FILE", description = "where to write the reference")
    Path output;

    @Option(names = "--verbose", description = "show stack traces")
    boolean verbose;

    @Override
    public Integer call() {
        MetricsDocument metrics = SavedRun.metrics(run);
        String experiment = metrics.experiment();
        if (experiment == null || experiment.isEmpty()) {
            throw new UserError(run + "/metrics.json names no experiment");
        }
        Path out = output != null ? output : Path.of("results", "reference", experiment + ".json");
        if (Files.isDirectory(out)) {
            throw new UserError((output != null ? "-o: " : "") + out + " is a folder; give the reference file's path");
        }
        if (Files.exists(out) && !Files.isRegularFile(out)) { // a device or the like: a rename would replace it
            throw new UserError((output != null ? "-o: " : "") + out + " is not a regular file");
        }
        OutputFolder.checkWritable(out.toAbsolutePath().getParent(), output != null ? "-o" : "results/reference");
        Reference previous = Files.isRegularFile(out) ? Reference.read(out) : null;
        Reference ref = Reference.fromRun(experiment, run.toAbsolutePath().normalize().getFileName().toString(), metrics, previous);
        try {
            Path parent = out.toAbsolutePath().getParent();
            Files.createDirectories(parent);
            Path tmp = Files.createTempFile(parent, ".reference", ".tmp");
            Files.writeString(tmp, ref.toJson());
            Files.move(tmp, out, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        System.out.println(out);
        return 0;
    }
}
