package advbench.cli;

import advbench.UserError;
import advbench.experiment.ExperimentFile;
import advbench.experiment.ExperimentLoader;
import advbench.experiment.ExperimentSpec;
import advbench.report.SavedRun;
import advbench.verify.MetricKeys;
import advbench.verify.Reference;
import advbench.verify.Verification;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine;

/**
 * {@code bench verify}: compares a run's metrics with reference numbers. Given an experiment
 * file instead of a run folder, it first runs the experiment. Exit 0 when every metric is within
 * tolerance, 1 when any drifted, 2 for a malformed reference or a bad argument.
 */
@Command(name = "verify", mixinStandardHelpOptions = true,
        description = {"Compare a run's metrics with a reference (exit 1 on drift).",
                "TARGET is a run folder, or an experiment file to run first and compare with "
                        + "results/reference/<name>.json of its repository."})
final class VerifyCommand implements Callable<Integer> {

    @Parameters(paramLabel = "TARGET", description = "run folder, or experiment file (.yaml)")
    Path target;

    @Option(names = "--reference", paramLabel = "FILE", description = "reference file (JSON)")
    Path reference;

    @Mixin
    RunOptions run;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        Path runDir;
        Path referenceFile = reference;
        if (Files.isRegularFile(target) && (target.toString().endsWith(".yaml") || target.toString().endsWith(".yml"))) {
            ExperimentSpec spec = ExperimentLoader.load(target);
            if (referenceFile == null) {
                referenceFile = committedReference(target, spec.name());
            }
            Reference.read(referenceFile); // a malformed reference should fail before a long run
            runDir = run.run(this.spec.commandLine(), spec, ExperimentFile.of(target)).runDir();
        } else {
            runDir = target;
            if (referenceFile == null) {
                throw new UserError("give --reference FILE to verify a run folder");
            }
        }
        Reference ref = Reference.read(referenceFile);
        Verification result = Verification.compare(ref, MetricKeys.flatten(SavedRun.metrics(runDir)));
        System.out.print(result.table());
        System.out.println((result.passed() ? "verified: " : "DRIFT: ") + runDir + " against " + referenceFile);
        return result.passed() ? 0 : 1;
    }

    /** results/reference/<name>.json in the repository that holds the experiment file. */
    static Path committedReference(Path experiment, String name) {
        Path repo = experiment.toAbsolutePath().getParent().getParent();
        return repo.resolve("results").resolve("reference").resolve(name + ".json");
    }
}
