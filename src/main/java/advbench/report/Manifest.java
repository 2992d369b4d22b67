package advbench.report;

import advbench.Json;

import java.nio.file.Path;
import java.util.Map;

/**
 * What is needed to re-run a run exactly and to tell whether it finished: manifest.json is
 * written last, so a run folder without one was interrupted.
 */
public record Manifest(String experiment, String runId, String status, int seed, String configSha256,
                       String experimentFile, Data data, String modelCacheKey, String defendedModelCacheKey, String weightsSha256, Versions versions, Machine machine, Git git,
                       String started, String finished, Map<String, Double> phaseSeconds) {

    public record Data(String dataset, Map<String, FileEntry> files) {}

    public record FileEntry(String path, String md5) {}

    public record Versions(String bench, String java, String javaVm, String djl, String engine) {}

    /**
     * @param engineThreads PyTorch intra-op threads; results are reproducible for a fixed count
     * @param interopThreads PyTorch inter-op threads (always 1 here)
     */
    public record Machine(String os, String arch, String cpu, int cores, int engineThreads, int interopThreads) {

        public static Machine current() {
            return new Machine(System.getProperty("os.name") + " " + System.getProperty("os.version"),
                    System.getProperty("os.arch"), cpuModel(), Runtime.getRuntime().availableProcessors(),
                    Integer.getInteger("ai.djl.pytorch.num_threads", 0), Integer.getInteger("ai.djl.pytorch.num_interop_threads", 0));
        }

        private static String cpuModel() {
            try {
                return java.nio.file.Files.readAllLines(Path.of("/proc/cpuinfo")).stream()
                        .filter(l -> l.startsWith("model name")).map(l -> l.substring(l.indexOf(':') + 1).trim())
                        .findFirst().orElse("unknown");
            } catch (java.io.IOException | RuntimeException e) {
                return "unknown"; // not Linux
            }
        }
    }

    /** commit is null outside a git checkout. */
    public record Git(String commit, Boolean dirty) {

        /** The commit of the checkout that holds {@code dir}, if any. */
        public static Git of(Path dir) {
            String commit = run(dir, "rev-parse", "HEAD");
            if (commit == null) {
                return new Git(null, null);
            }
            String status = run(dir, "status", "--porcelain", "--untracked-files=no");
            return new Git(commit.trim(), status == null ? null : !status.isBlank());
        }

        private static String run(Path dir, String... args) {
            try {
                String[] cmd = new String[args.length + 3];
                cmd[0] = "git";
                cmd[1] = "-C";
                cmd[2] = dir.toString();
                System.arraycopy(args, 0, cmd, 3, args.length);
                Process p = new ProcessBuilder(cmd).redirectErrorStream(false).start();
                String out = new String(p.getInputStream().readAllBytes());
                p.getErrorStream().readAllBytes();
                return p.waitFor() == 0 ? out : null;
            } catch (Exception e) {
                return null; // no git on this machine: the manifest says commit null
            }
        }
    }

    public static void write(RunFolder folder, Manifest manifest) {
        folder.write("manifest.json", out -> Json.MAPPER.writeValue(out, manifest));
    }
}
