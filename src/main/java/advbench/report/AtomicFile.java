package advbench.report;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * Writes a file under a temporary name in its folder and renames it when complete: a reader (or a
 * run interrupted half-way) never sees half a file under the real name, and a file written again
 * (a figure redrawn) is replaced whole. Every file of a run folder and every figure goes through
 * here.
 */
public final class AtomicFile {
    private AtomicFile() {}

    public interface Content {
        void writeTo(OutputStream out) throws IOException;
    }

    public static Path write(Path target, Content content) {
        Path dir = target.toAbsolutePath().getParent();
        Path tmp = dir.resolve("." + target.getFileName() + "." + ProcessHandle.current().pid() + ".tmp");
        try {
            Files.createDirectories(dir);
            try (OutputStream out = Files.newOutputStream(tmp)) {
                content.writeTo(out);
            }
            Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            return target;
        } catch (IOException e) {
            try {
                Files.deleteIfExists(tmp);
            } catch (IOException ignored) {
                // the original failure is the one worth reporting
            }
            throw new UncheckedIOException("cannot write " + target, e);
        }
    }

    public static Path write(Path target, byte[] content) {
        return write(target, out -> out.write(content));
    }
}
