package advbench.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The hostile inputs of {@link HostileInputTest} that need real MNIST (what only the data can
 * tell, models checked against it) or a finished run (saved files that are not what they claim),
 * and output folders on a read-only mount.
 */
class HostileInputIT {
    @TempDir
    Path tmp;

    @ParameterizedTest(name = "{0}")
    @MethodSource("advbench.cli.HostileInputTest#realDataCases")
    void refusedWithExitTwoAndOneLineBeforeAnyWork(HostileInputTest.Case c) throws IOException {
        HostileInputTest.assertRefused(c, tmp);
    }

    /**
     * Folders that exist but cannot be written: a read-only mount (permissions alone do not stop
     * root, which CI may be). Where this machine cannot mount, the case is skipped.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("readOnlyCases")
    void readOnlyFoldersAreRefusedUpFront(String name, String option) throws Exception {
        Path ro = Files.createDirectories(tmp.resolve("ro"));
        assumeTrue(Mounts.tmpfs(ro, "ro,size=1m"), "this machine cannot mount a read-only tmpfs");
        try {
            List<String> args = HostileInputTest.run(tmp, HostileInputTest.BASE);
            Path target = ro.resolve("x");
            BenchCommandTest.Outcome o = switch (option) {
                case "--results-dir" -> {
                    args.set(3, target.toString());
                    yield BenchCommandTest.bench(args.toArray(String[]::new));
                }
                case "--out" -> BenchCommandTest.bench("figures", HostileInputTest.finishedRun(tmp).toString(), "--out", target.toString());
                default -> BenchCommandTest.bench("reference", HostileInputTest.finishedRun(tmp).toString(), "-o", target.resolve("ref.json").toString());
            };
            assertEquals(2, o.code(), o.err());
            assertEquals(1, o.err().strip().lines().count(), o.err());
            assertTrue(o.err().startsWith("error: " + option + ": ") && o.err().contains("cannot be written (Read-only file system)"), o.err());
        } finally {
            Mounts.unmount(ro);
        }
    }

    static Stream<org.junit.jupiter.params.provider.Arguments> readOnlyCases() {
        return Stream.of(org.junit.jupiter.params.provider.Arguments.of("read-only results folder", "--results-dir"),
                org.junit.jupiter.params.provider.Arguments.of("read-only figures folder", "--out"),
                org.junit.jupiter.params.provider.Arguments.of("read-only reference folder", "-o"));
    }
}
