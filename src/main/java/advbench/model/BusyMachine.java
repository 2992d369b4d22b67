package advbench.model;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.stream.Stream;

/**
 * Notices other work competing for the cores before PyTorch takes all of them. Two jobs that each
 * run libtorch on every core do not share the machine gracefully: on 2 cores an epoch went from
 * 65 s to 265 s, and a forward+backward pass from 3,300 to 90 images/s. With one intra-op thread
 * each they merely halve. So a run that asks for all cores on a busy machine says so.
 */
public final class BusyMachine {
    private BusyMachine() {}

    /**
     * The warning for a run with {@code threads} intra-op threads (0 = all cores) when
     * {@code othersRunning} threads of other processes are runnable on {@code cores} cores, or
     * null when there is nothing to warn about.
     */
    static String warning(int othersRunning, int cores, int threads) {
        if (threads != 0 || othersRunning < cores) {
            return null;
        }
        return String.format("warning: %d threads of other processes are running on this machine's %d cores; PyTorch on all"
                + " cores contends with them and can slow both 10-20x. Pass --threads 1, or run one job at a time.",
                othersRunning, cores);
    }

    /** The warning for this machine now, or null; see {@link #warning(int, int, int)}. */
    public static String check(int threads) {
        if (threads != 0 || !Files.isDirectory(Path.of("/proc/self/task"))) {
            return null; // an explicit count is the user's choice; without /proc, say nothing rather than guess
        }
        // the median of a few readings: a busy neighbour stays busy, a passing blip does not
        int[] others = new int[5];
        for (int i = 0; i < others.length; i++) {
            others[i] = runnableElsewhere();
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return null;
            }
        }
        Arrays.sort(others);
        return warning(others[others.length / 2], Runtime.getRuntime().availableProcessors(), threads);
    }

    /**
     * Runnable threads of every process but this one, from /proc/PID/task/TID/stat. This JVM's
     * own threads (its compilers are busy while it starts) are left out.
     */
    static int runnableElsewhere() {
        long self = ProcessHandle.current().pid();
        try (Stream<Path> processes = Files.list(Path.of("/proc"))) {
            return processes.filter(p -> p.getFileName().toString().matches("\\d+"))
                    .filter(p -> Long.parseLong(p.getFileName().toString()) != self)
                    .mapToInt(BusyMachine::runnableThreads).sum();
        } catch (IOException | RuntimeException e) {
            return 0;
        }
    }

    /** Runnable threads of one process (0 if it ended while we looked). */
    static int runnableThreads(Path process) {
        try (Stream<Path> tasks = Files.list(process.resolve("task"))) {
            return (int) tasks.filter(BusyMachine::isRunnable).count();
        } catch (IOException | RuntimeException e) {
            return 0;
        }
    }

    private static boolean isRunnable(Path task) {
        try {
            String stat = Files.readString(task.resolve("stat"));
            // the state follows the parenthesised command name, which may itself hold spaces
            return stat.charAt(stat.lastIndexOf(')') + 2) == 'R';
        } catch (IOException | RuntimeException e) {
            return false; // the thread ended while we looked
        }
    }
}
