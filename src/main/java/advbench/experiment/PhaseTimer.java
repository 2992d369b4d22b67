package advbench.experiment;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;

/** Seconds per phase of a run, for its manifest (timings never go into metrics.json). */
final class PhaseTimer {
    private final long start = System.nanoTime();
    private final Map<String, Double> seconds = new LinkedHashMap<>();

    <T> T time(String phase, Supplier<T> work) {
        long t = System.nanoTime();
        T result = work.get();
        seconds.put(phase, Math.round((System.nanoTime() - t) / 1e7) / 100.0);
        return result;
    }

    void run(String phase, Runnable work) {
        time(phase, () -> {
            work.run();
            return null;
        });
    }

    /** A part of a phase timed elsewhere (an ensemble's stage inside the evaluation), under its own name. */
    void record(String part, double secs) {
        seconds.put(part, Math.round(secs * 100) / 100.0);
    }

    double totalSeconds() {
        return (System.nanoTime() - start) / 1e9;
    }

    Map<String, Double> seconds() {
        return Collections.unmodifiableMap(seconds);
    }
}
