package advbench.cli;

import advbench.RunLog;
import advbench.SpecException;
import advbench.experiment.EvaluationSpec;
import advbench.experiment.ExperimentFile;
import advbench.experiment.ExperimentRunner;
import advbench.experiment.ExperimentSpec;
import java.nio.file.Path;
import picocli.CommandLine.Option;
import picocli.CommandLine;

/** The options of every command that runs an experiment (bench run, bench verify FILE.yaml). */
final class RunOptions {

    @Option(names = "--data-dir", paramLabel = "DIR",
            description = "directory with the data set's IDX files (overrides the file's dataset.dir and $BENCH_DATA)")
    Path dataDir;

    @Option(names = "--results-dir", paramLabel = "DIR", defaultValue = "results",
            description = "where run folders are created (default: ${DEFAULT-VALUE})")
    Path resultsDir;

    @Option(names = "--threads", paramLabel = "N",
            description = "intra-op threads for PyTorch, 0 for all cores (default: the file's evaluation.threads, else all cores)")
    Integer threads;

    @Option(names = "--batch-size", paramLabel = "N",
            description = "images per attack batch (default: the file's evaluation.batch_size, else 500)")
    Integer batchSize;

    @Option(names = "--retrain", description = "train even if the model cache holds weights for this experiment")
    boolean retrain;

    @Option(names = "--verbose", description = "show stack traces")
    boolean verbose;

    /** Runs a loaded experiment with these options; progress and log lines go to stderr. */
    ExperimentRunner.Result run(CommandLine command, ExperimentSpec spec, ExperimentFile source) {
        ExperimentSpec effective = effective(command, spec);
        return new ExperimentRunner(new RunLog(System.err)).run(effective, source, options(source.path()));
    }

    /** The experiment with the command line's evaluation settings applied. */
    ExperimentSpec effective(CommandLine command, ExperimentSpec spec) {
        if (threads != null && threads < 0) {
            throw new CommandLine.ParameterException(command, "--threads must be 0 (all cores) or a positive number, got " + threads);
        }
        if (batchSize != null && batchSize < 1) {
            throw new CommandLine.ParameterException(command, "--batch-size must be at least 1, got " + batchSize);
        }
        EvaluationSpec file = spec.evaluation();
        EvaluationSpec evaluation;
        try {
            // the command line's overrides meet the file's own bounds
            evaluation = new EvaluationSpec(batchSize != null ? batchSize : file.batchSize(),
                    threads != null ? threads : file.threads(), file.skipDecided(), file.earlyStop(), file.samples(), file.indicatorSamples());
        } catch (SpecException e) {
            throw new CommandLine.ParameterException(command, "--" + e.field().replace('_', '-') + " " + e.getMessage());
        }
        return spec.withEvaluation(evaluation);
    }

    ExperimentRunner.Options options(Path experiment) {
        return new ExperimentRunner.Options(resultsDir, dataDir, experiment.toAbsolutePath().getParent(), System.getenv(), retrain);
    }
}
