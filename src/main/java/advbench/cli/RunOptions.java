package advbench.cli;

import advbench.RunLog;
import advbench.experiment.ExperimentRunner;
import advbench.experiment.ExperimentSpec;
import advbench.model.Engines;
import java.nio.file.Path;
import picocli.CommandLine;
import picocli.CommandLine.Option;

/** The options of every command that runs an experiment (bench run, bench verify FILE.yaml). */
final class RunOptions {

    @Option(names = "--data-dir", paramLabel = "DIR",
            description = "directory with the data set's IDX files (overrides the file's dataset.dir and $BENCH_DATA)")
    Path dataDir;

    @Option(names = "--results-dir", paramLabel = "DIR", defaultValue = "results",
            description = "where run folders are created (default: ${DEFAULT-VALUE})")
    Path resultsDir;

    @Option(names = "--threads", paramLabel = "N", defaultValue = "0",
            description = "intra-op threads for PyTorch (default: all cores)")
    int threads;

    @Option(names = "--retrain", description = "train even if the model cache holds weights for this experiment")
    boolean retrain;

    @Option(names = "--verbose", description = "show stack traces")
    boolean verbose;

    /** Runs a loaded experiment with these options; progress and log lines go to stderr. */
    ExperimentRunner.Result run(CommandLine command, ExperimentSpec spec, Path experiment) {
        if (threads < 0) {
            throw new CommandLine.ParameterException(command, "--threads must be 0 (all cores) or a positive number, got " + threads);
        }
        Engines.configure(threads);
        ExperimentRunner.Options options = new ExperimentRunner.Options(resultsDir, dataDir,
                experiment.toAbsolutePath().getParent(), System.getenv(), threads, retrain);
        return new ExperimentRunner(new RunLog(System.err)).run(spec, experiment, options);
    }
}
