package advbench.cli;

import advbench.RunLog;
import advbench.sweep.LocalSweep;
import advbench.sweep.SweepPlan;
import advbench.sweep.VariantStatus;
import advbench.sweep.VariantTask;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code bench sweep SWEEP.yaml}: every variant of a sweep (seeds times a grid over the base
 * experiment's fields), one run folder each, run here one after another or {@code --jobs K} at a
 * time; variants already done are skipped, so running it again finishes a sweep. {@code --task i}
 * runs variant i alone: what each local job and each Slurm array task calls.
 */
@Command(name = "sweep", mixinStandardHelpOptions = true, subcommands = SweepCommand.Status.class,
        description = "Run every variant of a sweep file (seeds x grid over an experiment); prints the sweep folder.")
final class SweepCommand implements Callable<Integer> {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    // optional for picocli only, so that "bench sweep status FILE" parses; required below
    @Parameters(paramLabel = "SWEEP", arity = "0..1", description = "sweep file (YAML): base, seeds, grid; e.g. experiments/seeds.yaml")
    Path sweepFile;

    @Option(names = "--jobs", paramLabel = "K", defaultValue = "1",
            description = "variants run at once, the cores split between them (default: ${DEFAULT-VALUE})")
    int jobs;

    @Option(names = "--task", paramLabel = "I", description = "run only variant I (what each job or Slurm array task calls)")
    Integer task;

    @Mixin
    RunOptions run;

    @Override
    public Integer call() {
        if (sweepFile == null) {
            throw new CommandLine.ParameterException(spec.commandLine(), "Missing required parameter: 'SWEEP'");
        }
        if (jobs < 1) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--jobs must be at least 1, got " + jobs);
        }
        SweepPlan plan = SweepPlan.of(sweepFile, run.resultsDir);
        plan.write();
        if (task != null) {
            VariantTask.run(plan, task, experiment -> run.run(spec.commandLine(), experiment, plan.base()).runDir());
            return 0;
        }
        int cores = Runtime.getRuntime().availableProcessors();
        int threads = run.threads != null && run.threads > 0 ? run.threads : LocalSweep.threadsPerJob(jobs, cores);
        if ((long) threads * jobs > cores) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--jobs " + jobs + " x --threads " + threads
                    + " is more than this machine's " + cores + " cores");
        }
        List<String> taskArgs = new ArrayList<>(List.of("--results-dir", run.resultsDir.toAbsolutePath().toString(),
                "--threads", String.valueOf(threads)));
        if (run.dataDir != null) {
            taskArgs.addAll(List.of("--data-dir", run.dataDir.toAbsolutePath().toString()));
        }
        if (run.batchSize != null) {
            taskArgs.addAll(List.of("--batch-size", String.valueOf(run.batchSize)));
        }
        if (run.retrain) {
            taskArgs.add("--retrain");
        }
        int failed = new LocalSweep(plan, new RunLog(System.err)).run(jobs, taskArgs);
        System.out.println(plan.folder());
        return failed == 0 ? 0 : 1;
    }

    /** {@code bench sweep status SWEEP.yaml}: each variant done, running, failed (with its log's last line) or pending. */
    @Command(name = "status", mixinStandardHelpOptions = true, description = "List each variant of a sweep: done, running, failed or pending.")
    static final class Status implements Callable<Integer> {
        @Parameters(paramLabel = "SWEEP", description = "the sweep file")
        Path sweepFile;

        @Option(names = "--results-dir", paramLabel = "DIR", defaultValue = "results",
                description = "where the sweep ran (default: ${DEFAULT-VALUE})")
        Path resultsDir;

        @Override
        public Integer call() {
            SweepPlan plan = SweepPlan.of(sweepFile, resultsDir);
            int[] counts = new int[VariantStatus.State.values().length];
            for (var v : plan.variants()) {
                VariantStatus s = VariantStatus.of(plan, v);
                counts[s.state().ordinal()]++;
                String where = s.state() == VariantStatus.State.DONE ? s.runDir().toString() : s.detail() == null ? "" : s.detail();
                System.out.printf("%4d  %-8s %-40s %s%n", v.index(), s.state().name().toLowerCase(java.util.Locale.ROOT), v.label(), where);
            }
            System.out.printf("%s: %d done, %d running, %d failed, %d pending%n", plan.folder(), counts[0], counts[1], counts[2], counts[3]);
            return counts[2] == 0 ? 0 : 1;
        }
    }
}
