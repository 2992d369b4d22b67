package advbench.sweep;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Where a variant stands, read from the marks its task leaves in {@code variants/<i>/}:
 * {@code started} (host, process id, time), {@code task.log} (its log), {@code exit} (its exit
 * code) and {@code run.path} (its run folder, written when the run finished). Done means the run
 * folder is complete (it has the manifest a run writes last), so a run killed at any point is
 * never taken for done.
 */
public record VariantStatus(Variant variant, State state, Path runDir, String detail) {

    public enum State { DONE, RUNNING, FAILED, PENDING }

    static final String STARTED = "started";
    static final String EXIT = "exit";
    static final String RUN_PATH = "run.path";
    static final String LOG = "task.log";

    public static VariantStatus of(SweepPlan plan, Variant v) {
        Path dir = plan.variantDir(v.index());
        Path runDir = read(dir.resolve(RUN_PATH)).map(Path::of).orElse(null);
        if (runDir != null && Files.isRegularFile(runDir.resolve("manifest.json"))) {
            return new VariantStatus(v, State.DONE, runDir, null);
        }
        var exit = read(dir.resolve(EXIT));
        var started = read(dir.resolve(STARTED));
        if (exit.isPresent()) {
            return new VariantStatus(v, State.FAILED, runDir, "exit " + exit.get() + ": " + lastLine(dir.resolve(LOG)));
        }
        if (started.isPresent()) {
            if (deadHere(started.get())) {
                return new VariantStatus(v, State.FAILED, runDir, "its process ended without an exit code (killed?): "
                        + lastLine(dir.resolve(LOG)));
            }
            return new VariantStatus(v, State.RUNNING, runDir, started.get() + ": " + lastLine(dir.resolve(LOG)));
        }
        return new VariantStatus(v, State.PENDING, null, null);
    }

    /** A task started on this host whose process is gone (it would have written its exit code). */
    private static boolean deadHere(String started) {
        String[] parts = started.split(" ");
        if (parts.length < 2 || !parts[0].equals(host())) {
            return false; // another node's process: only its exit mark can tell
        }
        try {
            return ProcessHandle.of(Long.parseLong(parts[1])).map(p -> !p.isAlive()).orElse(true);
        } catch (NumberFormatException e) {
            return false;
        }
    }

    static String host() {
        String h = System.getenv("HOSTNAME");
        if (h == null || h.isBlank()) {
            try {
                h = java.net.InetAddress.getLocalHost().getHostName();
            } catch (IOException e) {
                h = "unknown";
            }
        }
        return h.strip();
    }

    private static java.util.Optional<String> read(Path file) {
        try {
            return Files.isRegularFile(file) ? java.util.Optional.of(Files.readString(file, StandardCharsets.UTF_8).strip())
                    : java.util.Optional.empty();
        } catch (IOException e) {
            return java.util.Optional.empty();
        }
    }

    /** The last non-empty line of a log, progress bars' carriage returns resolved. */
    static String lastLine(Path log) {
        try {
            if (!Files.isRegularFile(log)) {
                return "(no log)";
            }
            List<String> lines = Files.readAllLines(log, StandardCharsets.ISO_8859_1);
            for (int i = lines.size() - 1; i >= 0; i--) {
                String line = lines.get(i);
                int cr = line.lastIndexOf('\r');
                line = (cr >= 0 ? line.substring(cr + 1) : line).strip();
                if (!line.isEmpty()) {
                    return line;
                }
            }
            return "(empty log)";
        } catch (IOException e) {
            return "(log unreadable)";
        }
    }
}
