package advbench.report;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;

/**
 * One run's output folder, {@code <results>/<experiment>/<run-id>}. The folder is created
 * atomically with a fresh name, so no earlier run is ever overwritten; every file is written
 * under a temporary name and renamed when complete, so an interrupted run never leaves a
 * half-written file that looks finished.
 */
public final class RunFolder {
    private static final DateTimeFormatter ID = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss");
    private final Path dir;

    private RunFolder(Path dir) {
        this.dir = dir;
    }

    public static RunFolder create(Path resultsRoot, String experiment) {
        Path parent = resultsRoot.resolve(experiment);
        // an experiment name is one plain folder name; anything else is a bug upstream, not a folder to make
        if (!parent.toAbsolutePath().normalize().getParent().equals(resultsRoot.toAbsolutePath().normalize())) {
            throw new IllegalArgumentException("experiment name '" + experiment + "' does not name a folder inside " + resultsRoot);
        }
        String base = LocalDateTime.now().format(ID);
        try {
            Files.createDirectories(parent);
            for (int attempt = 1; ; attempt++) {
                Path candidate = parent.resolve(attempt == 1 ? base : base + "-" + attempt);
                try {
                    return new RunFolder(Files.createDirectory(candidate));
                } catch (FileAlreadyExistsException e) {
                    // taken by an earlier run in the same second: try the next suffix
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create a run folder under " + parent, e);
        }
    }

    public Path dir() {
        return dir;
    }

    public String runId() {
        return dir.getFileName().toString();
    }

    public Path path(String name) {
        return dir.resolve(name);
    }

    /** Writes {@code name} (a path relative to the folder) under a temporary name and renames it. */
    public Path write(String name, AtomicFile.Content content) {
        return AtomicFile.write(dir.resolve(name), content);
    }

    public Path writeString(String name, String text) {
        return write(name, out -> out.write(text.getBytes(StandardCharsets.UTF_8)));
    }
}
