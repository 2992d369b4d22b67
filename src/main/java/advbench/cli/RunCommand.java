package advbench.cli;

import advbench.experiment.ExperimentFile;
import advbench.experiment.FieldOverride;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code bench run <experiment.yaml>}: runs the experiment and prints the run folder on stdout. */
@Command(name = "run", mixinStandardHelpOptions = true,
        description = "Train, attack and report as the experiment file says; prints the run folder.")
final class RunCommand implements Callable<Integer> {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Parameters(paramLabel = "EXPERIMENT", description = "experiment file (YAML), e.g. experiments/fgsm.yaml")
    Path experiment;

    @Option(names = "--set", paramLabel = "KEY=VALUE",
            description = "change one field of the experiment for this run, e.g. --set model.epochs=3 --set attacks[0].steps=20;"
                    + " checked like the file itself, and written into the run's config.yaml")
    List<String> set;

    @Mixin
    RunOptions run;

    @Override
    public Integer call() {
        ExperimentFile source = new ExperimentFile(experiment, FieldOverride.parseAll(set));
        System.out.println(run.run(spec.commandLine(), source.load(), source).runDir());
        return 0;
    }
}
