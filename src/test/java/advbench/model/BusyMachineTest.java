package advbench.model;

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class BusyMachineTest {

    @Test
    void warnsOnlyWhenAllCoresAreAskedForAndOthersFillThem() {
        assertNull(BusyMachine.warning(0, 2, 0), "an idle machine");
        assertNull(BusyMachine.warning(1, 2, 0), "one busy thread leaves a core");
        assertNull(BusyMachine.warning(4, 2, 1), "an explicit thread count is the user's choice");
        String w = BusyMachine.warning(2, 2, 0);
        assertNotNull(w);
        assertTrue(w.contains("--threads 1") && !w.contains("\n"), w);
    }

    @Test
    void seesOtherProcessesSpinning() throws Exception {
        assumeTrue(Files.isDirectory(Path.of("/proc/self/task")), "Linux /proc");
        assertTrue(BusyMachine.runnableThreads(Path.of("/proc/self")) >= 1, "the thread reading is itself running");

        int cores = Runtime.getRuntime().availableProcessors();
        List<Process> spinners = new ArrayList<>();
        try {
            for (int i = 0; i < 2 * cores; i++) {
                spinners.add(new ProcessBuilder("sh", "-c", "while :; do :; done").start());
            }
            Thread.sleep(200);
            String w = BusyMachine.check(0);
            assertNotNull(w, "with " + 2 * cores + " spinning shells on " + cores + " cores");
            assertNull(BusyMachine.check(1), "an explicit thread count is not second-guessed");
        } finally {
            spinners.forEach(Process::destroyForcibly);
            for (Process p : spinners) {
                p.waitFor();
            }
        }
    }
}
