package advbench.cli;

import advbench.experiment.ExperimentLoader;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/** {@code bench run <experiment.yaml>}: runs the experiment and prints the run folder on stdout. */
@Command(name = "run", mixinStandardHelpOptions = true,
        description = "Train, attack and report as the experiment file says; prints the run folder.")
final class RunCommand implements Callable<Integer> {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Parameters(paramLabel = "EXPERIMENT", description = "experiment file (YAML), e.g. experiments/fgsm.yaml")
    Path experiment;

    @Mixin
    RunOptions run;

    @Override
    public Integer call() {
        System.out.println(run.run(spec.commandLine(), ExperimentLoader.load(experiment), experiment).runDir());
        return 0;
    }
}
