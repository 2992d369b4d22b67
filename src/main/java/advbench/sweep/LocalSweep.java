package advbench.sweep;

import advbench.RunLog;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Runs a sweep's unfinished variants on this machine, each as its own {@code bench sweep FILE
 * --task i} process (the same unit a Slurm array task runs), at most {@code jobs} at a time, the
 * cores split between them so the machine is never oversubscribed. Each task's log goes to its
 * variant folder; this prints one line as each ends.
 */
public final class LocalSweep {
    private final SweepPlan plan;
    private final RunLog log;

    public LocalSweep(SweepPlan plan, RunLog log) {
        this.plan = plan;
        this.log = log;
    }

    /** Threads per task: the cores split between the jobs, at least one. */
    public static int threadsPerJob(int jobs, int cores) {
        return Math.max(1, cores / jobs);
    }

    /**
     * Runs every variant not done and not running; {@code taskArgs} are the options every task
     * gets after {@code --task i} (results folder, data folder, threads). Returns how many failed.
     */
    public int run(int jobs, List<String> taskArgs) {
        return run(jobs, taskArgs, System.getenv());
    }

    /** As {@link #run(int, List)}, the tasks given {@code env} ($BENCH_CACHE, $BENCH_DATA) instead of this process's. */
    public int run(int jobs, List<String> taskArgs, Map<String, String> env) {
        List<VariantStatus> statuses = plan.variants().stream().map(v -> VariantStatus.of(plan, v)).toList();
        Deque<Variant> todo = new ArrayDeque<>();
        for (VariantStatus s : statuses) {
            switch (s.state()) {
                case DONE -> log.info("variant " + s.variant().index() + " (" + s.variant().label() + "): done, " + s.runDir());
                case RUNNING -> log.info("variant " + s.variant().index() + " (" + s.variant().label() + "): running elsewhere ("
                        + s.detail() + "), left alone");
                default -> todo.add(s.variant());
            }
        }
        int total = todo.size();
        log.info(String.format("sweep %s: %d variants, %d to run, %d at a time", plan.folder(), plan.variants().size(), total, jobs));
        Map<Process, Variant> running = new LinkedHashMap<>();
        Map<Process, Instant> startedAt = new LinkedHashMap<>();
        int finished = 0;
        int failed = 0;
        while (!todo.isEmpty() || !running.isEmpty()) {
            while (running.size() < jobs && !todo.isEmpty()) {
                Variant v = todo.poll();
                Process p = start(v, taskArgs, env);
                running.put(p, v);
                startedAt.put(p, Instant.now());
            }
            Process ended = waitForAny(running.keySet());
            Variant v = running.remove(ended);
            finished++;
            VariantStatus s = VariantStatus.of(plan, v);
            double seconds = Duration.between(startedAt.remove(ended), Instant.now()).toMillis() / 1000.0;
            if (s.state() == VariantStatus.State.DONE) {
                log.info(String.format("[%d/%d] variant %d (%s) done in %.1f s: %s", finished, total, v.index(), v.label(), seconds, s.runDir()));
            } else {
                failed++;
                log.info(String.format("[%d/%d] variant %d (%s) FAILED after %.1f s: %s (log: %s)", finished, total, v.index(), v.label(),
                        seconds, VariantStatus.lastLine(plan.variantDir(v.index()).resolve(VariantStatus.LOG)),
                        plan.variantDir(v.index()).resolve(VariantStatus.LOG)));
            }
        }
        return failed;
    }

    private Process start(Variant v, List<String> taskArgs, Map<String, String> env) {
        List<String> command = new ArrayList<>(javaCommand());
        command.addAll(List.of("sweep", plan.sweepFile().toString(), "--task", String.valueOf(v.index())));
        command.addAll(taskArgs);
        Path logFile = plan.variantDir(v.index()).resolve(VariantStatus.LOG);
        try {
            ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(logFile.toFile());
            builder.environment().clear();
            builder.environment().putAll(env);
            return builder.start();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException("cannot start the task of variant " + v.index(), e);
        }
    }

    /** This JVM again, with its options and class path, running the bench command line. */
    public static List<String> javaCommand() {
        List<String> command = new ArrayList<>();
        command.add(ProcessHandle.current().info().command().orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
        for (String arg : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
            if (!arg.startsWith("-agentlib") && !arg.startsWith("-javaagent")) { // a debugger's or coverage agent is the parent's
                command.add(arg);
            }
        }
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), "advbench.cli.BenchCommand"));
        return command;
    }

    private static Process waitForAny(java.util.Collection<Process> processes) {
        while (true) {
            for (Process p : processes) {
                if (!p.isAlive()) {
                    return p;
                }
            }
            try {
                Thread.sleep(200);
            } catch (InterruptedException e) {
                processes.forEach(Process::destroy);
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted; the running tasks were stopped", e);
            }
        }
    }
}
