package advbench.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RunFolderTest {
    @TempDir
    Path root;

    @Test
    void runsInTheSameSecondGetDistinctFolders() throws IOException {
        RunFolder a = RunFolder.create(root, "exp");
        a.writeString("metrics.json", "first");
        RunFolder b = RunFolder.create(root, "exp");
        assertNotEquals(a.dir(), b.dir());
        assertEquals("first", Files.readString(a.path("metrics.json")));
    }

    @Test
    void aFailedWriteLeavesNoFileThatLooksFinished() throws IOException {
        RunFolder f = RunFolder.create(root, "exp");
        assertThrows(java.io.UncheckedIOException.class, () -> f.write("plot.png", out -> {
            out.write(1);
            throw new IOException("disk full");
        }));
        assertFalse(Files.exists(f.path("plot.png")));
        try (var files = Files.list(f.dir())) {
            assertEquals(0, files.count(), "the temporary file is removed too");
        }
    }
}
