package advbench.benchmark;

import java.io.IOException;
import java.lang.management.BufferPoolMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryUsage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The process's resident memory from /proc/self/status (Linux): what the OS charges, native
 * PyTorch memory included, which the JVM's own heap figures would miss.
 */
public final class ResidentMemory {
    private static final double MIB = 1024.0 * 1024.0;

    private ResidentMemory() {}

    /** Current resident set size in MiB, or -1 where /proc is missing. */
    public static double currentMiB() {
        return field("VmRSS:");
    }

    /** Peak resident set size of the process so far, in MiB, or -1. */
    public static double peakMiB() {
        return field("VmHWM:");
    }

    private static double field(String name) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith(name)) {
                    return Long.parseLong(line.substring(name.length()).trim().split("\\s+")[0]) / 1024.0;
                }
            }
        } catch (IOException | RuntimeException e) {
            return -1;
        }
        return -1;
    }

    /** Samples resident memory every {@code periodMillis} on a daemon thread until closed. */
    public static final class Sampler implements AutoCloseable {
        /**
         * One reading: resident memory, and the JVM's share of it (heap in use and committed,
         * and direct buffers, which DJL allocates to copy arrays in and out of PyTorch and
         * which are only freed when the garbage collector finds their owners).
         */
        public record Sample(double seconds, double residentMib, double heapUsedMib, double heapCommittedMib, double directMib) {}

        private final List<Sample> samples = new ArrayList<>();
        private final Thread thread;
        private final long start = System.nanoTime();
        private volatile boolean running = true;

        public Sampler(long periodMillis) {
            thread = new Thread(() -> {
                while (running) {
                    record();
                    try {
                        Thread.sleep(periodMillis);
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            }, "rss-sampler");
            thread.setDaemon(true);
            thread.start();
        }

        private synchronized void record() {
            MemoryUsage heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage();
            double direct = ManagementFactory.getPlatformMXBeans(BufferPoolMXBean.class).stream()
                    .filter(p -> p.getName().equals("direct")).mapToLong(BufferPoolMXBean::getMemoryUsed).sum();
            samples.add(new Sample((System.nanoTime() - start) / 1e9, currentMiB(), heap.getUsed() / MIB,
                    heap.getCommitted() / MIB, direct / MIB));
        }

        public synchronized List<Sample> samples() {
            return List.copyOf(samples);
        }

        @Override
        public void close() {
            running = false;
            thread.interrupt();
            try {
                thread.join(1000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            record();
        }
    }
}
