package advbench;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalTime;
import java.time.format.DateTimeFormatter;

/**
 * Log lines of a run: to stderr (so stdout stays for results and paths) and, once the run
 * folder exists, to a file there as well. The file is {@code run.log.partial} while the run goes
 * and becomes {@code run.log} when it completes, so a log under its final name is a whole run's.
 * Progress bars go to stderr only.
 */
public final class RunLog implements AutoCloseable {
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm:ss");
    private final PrintStream console;
    private BufferedWriter file;
    private Path path;

    public RunLog(PrintStream console) {
        this.console = console;
    }

    /** A log that prints nowhere; for tests and library use. */
    public static RunLog silent() {
        return new RunLog(new PrintStream(PrintStream.nullOutputStream()));
    }

    /** Copies every later line into {@code path}. */
    public synchronized void attachFile(Path path) {
        try {
            file = Files.newBufferedWriter(path, StandardCharsets.UTF_8);
            this.path = path;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + path, e);
        }
    }

    /** Closes the file and renames it to {@code finalName}: the run it logged is complete. */
    public synchronized void complete(Path finalName) {
        if (path == null) {
            return;
        }
        close();
        try {
            Files.move(path, finalName, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + finalName, e);
        }
    }

    public synchronized void info(String message) {
        String line = LocalTime.now().format(TIME) + " " + message;
        console.println(line);
        if (file != null) {
            try {
                file.write(line);
                file.newLine();
                file.flush();
            } catch (IOException e) {
                // a full disk must not turn into a second error hiding the first: the run goes on
                // (and fails where its results cannot be written, naming that file); the log file stops
                console.println(LocalTime.now().format(TIME) + " warning: cannot write " + path + " (" + Errors.reason(e)
                        + "); the log goes on here only");
                closeQuietly();
            }
        }
    }

    public Progress progress(String label, long total, String unit) {
        return new Progress(console, label, total, unit);
    }

    /** Closes the file; lines are flushed as they come, so nothing is lost if closing fails. */
    @Override
    public synchronized void close() {
        if (file != null) {
            closeQuietly();
        }
    }

    private void closeQuietly() {
        try {
            file.close();
        } catch (IOException ignored) {
            // already reported
        }
        file = null;
    }
}
