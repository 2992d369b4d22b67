package advbench.cli;

import advbench.RunLog;
import advbench.experiment.ExperimentLoader;
import advbench.experiment.ExperimentRunner;
import advbench.experiment.ExperimentSpec;
import advbench.model.Engines;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code bench run <experiment.yaml>}: runs the experiment and prints the run folder on stdout. */
@Command(name = "run", mixinStandardHelpOptions = true,
        description = "Train, attack and report as the experiment file says; prints the run folder.")
final class RunCommand implements Callable<Integer> {

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Parameters(paramLabel = "EXPERIMENT", description = "experiment file (YAML), e.g. experiments/fgsm.yaml")
    Path experiment;

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

    @Override
    public Integer call() {
        if (threads < 0) {
            throw new picocli.CommandLine.ParameterException(spec.commandLine(), "--threads must be 0 (all cores) or a positive number, got " + threads);
        }
        ExperimentSpec spec = ExperimentLoader.load(experiment);
        Engines.configure(threads);
        Path base = experiment.toAbsolutePath().getParent();
        ExperimentRunner.Options options = new ExperimentRunner.Options(resultsDir, dataDir, base, System.getenv(), threads, retrain);
        ExperimentRunner.Result result = new ExperimentRunner(new RunLog(System.err)).run(spec, experiment, options);
        System.out.println(result.runDir());
        return 0;
    }
}
