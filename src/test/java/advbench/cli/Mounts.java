package advbench.cli;

import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * Real small file systems for tests of full and read-only disks: a tmpfs mounted with options.
 * Only where the machine lets the test mount (as root, with mount on the path); elsewhere the
 * tests that need one are skipped, not faked.
 */
final class Mounts {
    private Mounts() {}

    /** Mounts a tmpfs on {@code dir} with {@code options} (e.g. "ro,size=1m"); false if this machine will not. */
    static boolean tmpfs(Path dir, String options) {
        return run("mount", "-t", "tmpfs", "-o", options, "tmpfs", dir.toString());
    }

    static void unmount(Path dir) {
        run("umount", dir.toString());
    }

    private static boolean run(String... command) {
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
            p.getInputStream().readAllBytes();
            return p.waitFor(20, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (Exception e) {
            return false;
        }
    }
}
