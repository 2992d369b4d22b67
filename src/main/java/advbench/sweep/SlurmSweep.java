package advbench.sweep;

import advbench.RunLog;
import advbench.UserError;
import advbench.report.AtomicFile;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Runs a sweep's unfinished variants as one Slurm array job: writes {@code slurm/sweep.sbatch}
 * into the sweep folder (one array task per unfinished variant, each {@code bench sweep FILE
 * --task $SLURM_ARRAY_TASK_ID}, its log in the variant's folder), submits it with sbatch, and with
 * {@code wait} blocks until the job has ended. The tasks need the sweep folder, the model cache
 * ($BENCH_CACHE) and the data ($BENCH_DATA) on a file system every node sees; sbatch passes the
 * submitting shell's environment on.
 *
 * @param partition null for the cluster's default
 * @param time Slurm's --time per task, or null
 * @param cpus cores per task: the task's --threads
 * @param maxParallel tasks running at once (the array's %K), 0 for no limit
 */
public record SlurmSweep(SweepPlan plan, String partition, String time, int cpus, int maxParallel, RunLog log) {

    /** The variants not done and not running: what a submission runs. */
    List<Integer> todo() {
        return plan.variants().stream().map(v -> VariantStatus.of(plan, v))
                .filter(s -> s.state() == VariantStatus.State.PENDING || s.state() == VariantStatus.State.FAILED)
                .map(s -> s.variant().index()).toList();
    }

    /** The batch script for these variants; {@code taskArgs} follow {@code --task}. */
    String script(List<Integer> indices, List<String> taskArgs) {
        String name = plan.folder().getFileName().toString();
        List<String> java = LocalSweep.javaCommand();
        StringBuilder sb = new StringBuilder("#!/bin/bash\n");
        sb.append("#SBATCH --job-name=bench-").append(name).append('\n');
        sb.append("#SBATCH --array=").append(indices.stream().map(String::valueOf).collect(Collectors.joining(",")))
                .append(maxParallel > 0 ? "%" + maxParallel : "").append('\n');
        sb.append("#SBATCH --cpus-per-task=").append(cpus).append('\n');
        sb.append("#SBATCH --ntasks=1\n");
        if (partition != null) {
            sb.append("#SBATCH --partition=").append(partition).append('\n');
        }
        if (time != null) {
            sb.append("#SBATCH --time=").append(time).append('\n');
        }
        sb.append("#SBATCH --output=").append(plan.folder().toAbsolutePath().resolve("variants")).append("/%a/").append(VariantStatus.LOG)
                .append('\n');
        sb.append("# Written by bench sweep --slurm; one array task per unfinished variant of ").append(plan.sweepFile()).append('\n');
        sb.append("# BENCH_JAVA picks the java of the compute nodes if it is not where it was on the submitting one.\n");
        sb.append("set -euo pipefail\n");
        sb.append("cd ").append(quote(Path.of("").toAbsolutePath().toString())).append('\n');
        sb.append("exec \"${BENCH_JAVA:-").append(java.get(0)).append("}\"");
        for (String arg : java.subList(1, java.size())) {
            sb.append(' ').append(quote(arg));
        }
        sb.append(" sweep ").append(quote(plan.sweepFile().toAbsolutePath().toString())).append(" --task \"$SLURM_ARRAY_TASK_ID\"");
        for (String arg : taskArgs) {
            sb.append(' ').append(quote(arg));
        }
        sb.append('\n');
        return sb.toString();
    }

    /** Writes and submits the script; returns the job id, or null when every variant is done or running. */
    public String submit(List<String> taskArgs, boolean wait) {
        List<Integer> indices = todo();
        if (indices.isEmpty()) {
            log.info("sweep " + plan.folder() + ": every variant is done or running; nothing to submit");
            return null;
        }
        Path script = plan.folder().resolve("slurm").resolve("sweep.sbatch");
        AtomicFile.write(script, script(indices, taskArgs).getBytes(StandardCharsets.UTF_8));
        log.info("sweep " + plan.folder() + ": submitting " + indices.size() + " of " + plan.variants().size() + " variants ("
                + script + ")");
        // an earlier attempt's marks would read as this one's outcome before its task starts
        for (int i : indices) {
            for (String mark : List.of(VariantStatus.EXIT, VariantStatus.STARTED, VariantStatus.RUN_PATH)) {
                try {
                    Files.deleteIfExists(plan.variantDir(i).resolve(mark));
                } catch (IOException e) {
                    throw new UserError("cannot clear " + plan.variantDir(i).resolve(mark) + " (" + advbench.Errors.reason(e) + ")");
                }
            }
        }
        String jobId = run(List.of("sbatch", "--parsable", script.toString()), "sbatch").strip().split(";")[0];
        try {
            Files.writeString(plan.folder().resolve("slurm").resolve("job-ids"), jobId + "\n", StandardCharsets.UTF_8,
                    java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new UserError("cannot write " + plan.folder().resolve("slurm") + " (" + advbench.Errors.reason(e) + ")");
        }
        if (wait) {
            waitFor(jobId, indices);
        }
        return jobId;
    }

    /**
     * Until the job has left the queue: one line per variant as it ends (done or failed, read
     * from its marks). A task that Slurm ended without its marks (killed before it started) is
     * reported from its status when the job is gone.
     */
    private void waitFor(String jobId, List<Integer> indices) {
        java.util.Set<Integer> reported = new java.util.HashSet<>();
        boolean queued = true;
        while (reported.size() < indices.size()) {
            if (queued) {
                queued = !run(List.of("squeue", "--noheader", "--jobs", jobId), "squeue").isBlank();
            }
            for (int i : indices) {
                VariantStatus s = VariantStatus.of(plan, plan.variant(i));
                boolean ended = s.state() == VariantStatus.State.DONE || s.state() == VariantStatus.State.FAILED;
                if (!reported.contains(i) && (ended || !queued)) {
                    reported.add(i);
                    log.info(String.format("[%d/%d] variant %d (%s): %s%s", reported.size(), indices.size(), i, s.variant().label(),
                            s.state().name().toLowerCase(java.util.Locale.ROOT),
                            s.state() == VariantStatus.State.DONE ? ", " + s.runDir() : s.detail() == null ? "" : ": " + s.detail()));
                }
            }
            try {
                Thread.sleep(1000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for Slurm job " + jobId + " (it goes on running)", e);
            }
        }
    }

    /** A Slurm client command's output; a failure is a user error with what it said. */
    private static String run(List<String> command, String what) {
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (p.waitFor() != 0) {
                throw new UserError(what + " failed: " + out.strip().replace('\n', ' '));
            }
            return out;
        } catch (IOException e) {
            throw new UserError("cannot run " + what + " (" + advbench.Errors.describe(e) + "); is Slurm installed here, and SLURM_CONF set?");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while running " + what, e);
        }
    }

    private static String quote(String s) {
        return s.matches("[A-Za-z0-9_./=:,+@%-]+") ? s : "'" + s.replace("'", "'\\''") + "'";
    }
}
