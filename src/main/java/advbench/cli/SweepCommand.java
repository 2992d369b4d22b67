package advbench.cli;

import advbench.RunLog;
import advbench.experiment.ExperimentFile;
import advbench.sweep.LocalSweep;
import advbench.sweep.SlurmSweep;
import advbench.sweep.SweepMerge;
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

    @Option(names = "--slurm", description = "submit the unfinished variants as one Slurm array job instead of running them here")
    boolean slurm;

    @Option(names = "--wait", description = "with --slurm: wait for the job to end, reporting each variant as it finishes")
    boolean waitForJob;

    @Option(names = "--partition", paramLabel = "NAME", description = "with --slurm: the partition (default: the cluster's)")
    String partition;

    @Option(names = "--time", paramLabel = "LIMIT", description = "with --slurm: time limit per task, as Slurm writes it (e.g. 2:00:00)")
    String time;

    @Option(names = "--cpus-per-task", paramLabel = "N", defaultValue = "1",
            description = "with --slurm: cores per task, which become its --threads (default: ${DEFAULT-VALUE})")
    int cpusPerTask;

    @Option(names = "--max-parallel", paramLabel = "K", defaultValue = "0",
            description = "with --slurm: tasks running at once, the array's %%K (default: no limit)")
    int maxParallel;

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
        // every option is checked before the sweep folder is written
        if (!slurm && (waitForJob || partition != null || time != null || maxParallel != 0)) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--wait, --partition, --time and --max-parallel go with --slurm");
        }
        if (slurm) {
            checkSlurmOptions();
        }
        int cores = Runtime.getRuntime().availableProcessors();
        int threads = run.threads != null && run.threads > 0 ? run.threads : LocalSweep.threadsPerJob(jobs, cores);
        if (!slurm && task == null && (long) threads * jobs > cores) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--jobs " + jobs + " x --threads " + threads
                    + " is more than this machine's " + cores + " cores");
        }
        SweepPlan plan = SweepPlan.of(sweepFile, run.resultsDir);
        if (task != null) {
            plan.variant(task); // in range, before anything is written
        }
        plan.write();
        if (task != null) {
            VariantTask.run(plan, task, v -> run.run(spec.commandLine(), v.spec(), new ExperimentFile(plan.base(), v.overrides())).runDir());
            return 0;
        }
        if (slurm) {
            return submit(plan);
        }
        List<String> taskArgs = taskArgs(threads);
        int failed = new LocalSweep(plan, new RunLog(System.err)).run(jobs, taskArgs);
        merge(plan);
        System.out.println(plan.folder());
        return failed == 0 ? 0 : 1;
    }

    private void checkSlurmOptions() {
        if (cpusPerTask < 1 || maxParallel < 0) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--cpus-per-task must be at least 1 and --max-parallel at least 0");
        }
        if (time != null && !time.matches("[0-9:-]+")) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--time " + time + ": expected Slurm's form, e.g. 30, 2:00:00 or 1-12:00:00");
        }
        if (partition != null && !partition.matches("[A-Za-z0-9_.,-]+")) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--partition " + partition + ": not a partition name");
        }
    }

    private int submit(SweepPlan plan) {
        List<String> taskArgs = taskArgs(cpusPerTask);
        String job = new SlurmSweep(plan, partition, time, cpusPerTask, maxParallel, new RunLog(System.err)).submit(taskArgs, waitForJob);
        if (job != null) {
            System.err.println("bench: Slurm job " + job + (waitForJob ? " ended" : " submitted; bench sweep status " + sweepFile + " shows progress"));
        }
        System.out.println(plan.folder());
        if (!waitForJob) {
            return 0;
        }
        merge(plan);
        long failed = plan.variants().stream().filter(v -> VariantStatus.of(plan, v).state() != VariantStatus.State.DONE).count();
        return failed == 0 ? 0 : 1;
    }

    /** The merged figure, tables and runs.csv, in the base experiment's figure style, when any variant has finished. */
    private static void merge(SweepPlan plan) {
        if (plan.variants().stream().noneMatch(v -> VariantStatus.of(plan, v).state() == VariantStatus.State.DONE)) {
            return;
        }
        Path out = SweepMerge.defaultOut(plan.folder());
        SweepMerge.Merged merged = SweepMerge.merge(plan.folder(), out, plan.variants().get(0).spec().outputs().figureOptions());
        System.err.println("bench: merged " + merged.runs() + " runs into " + out + " (" + merged.figures().written().size() + " files"
                + (merged.missing() > 0 ? "; " + merged.missing() + " variants not finished, left out" : "") + ")");
    }

    /** What every task gets after --task: absolute paths, as a task may start in another directory. */
    private List<String> taskArgs(int threads) {
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
        return taskArgs;
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
