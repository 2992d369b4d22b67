package advbench.report;

import advbench.UserError;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Checks, before any work, that a folder the command will write into can be written: it exists
 * as a folder or can be created under one, and a file can really be created there. Permissions
 * alone would not tell (root ignores them; a read-only mount does not show in them), so the check
 * creates and deletes a hidden file in the nearest folder that exists.
 */
public final class OutputFolder {
    private OutputFolder() {}

    /** @param what how the user named it: "--results-dir", "BENCH_CACHE", "--out" */
    public static void checkWritable(Path dir, String what) {
        Path target = dir.toAbsolutePath().normalize();
        Path existing = target;
        while (existing != null && !Files.exists(existing)) {
            existing = existing.getParent();
        }
        if (existing == null) {
            throw new UserError(what + ": " + dir + " cannot be created: none of its parent folders exists");
        }
        if (!Files.isDirectory(existing)) {
            throw new UserError(what + ": " + dir + (existing.equals(target) ? " is a file, not a folder"
                    : " cannot be created: " + existing + " is a file, not a folder"));
        }
        try {
            Files.delete(Files.createTempFile(existing, ".bench-write-check", ".tmp"));
        } catch (IOException e) {
            throw new UserError(what + ": " + dir + " cannot be written (" + reason(e) + ")");
        }
    }

    private static String reason(IOException e) {
        return advbench.Errors.reason(e);
    }
}
