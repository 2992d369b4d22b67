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
 * folder exists, to its run.log as well. Progress bars go to stderr only.
 */
public final class RunLog implements AutoCloseable {
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm:ss");
    private final PrintStream console;
    private BufferedWriter file;

    public RunLog(PrintStream console) {
        this.console = console;
    }

    /** A log that prints nowhere; for tests and library use. */
    public static RunLog silent() {
        return new RunLog(new PrintStream(PrintStream.nullOutputStream()));
    }

    public synchronized void attachFile(Path path) {
        try {
            file = Files.newBufferedWriter(path, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
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
                throw new UncheckedIOException(e);
            }
        }
    }

    public Progress progress(String label, long total, String unit) {
        return new Progress(console, label, total, unit);
    }

    @Override
    public synchronized void close() {
        if (file != null) {
            try {
                file.close();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            file = null;
        }
    }
}
