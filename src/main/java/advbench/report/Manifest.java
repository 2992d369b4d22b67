package advbench.report;

import advbench.data.DataProvenance;
import advbench.model.Engines;
import advbench.model.Preprocessing;
import advbench.train.ModelSource;
import com.fasterxml.jackson.annotation.JsonInclude;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * What is needed to re-run a run exactly and to tell whether it finished: manifest.json is
 * written last, so a run folder without one was interrupted. It is assembled from the parts each
 * stage owns (in the manner of Tribuo's provenance): the data stage's files and MD5s, the model
 * stage's cache keys and weights, and the environment the run found.
 */
public record Manifest(String experiment, String runId, String status, int seed, String configSha256, String experimentFile,
                       DataProvenance data, List<ModelProvenance> models, Environment environment, String started,
                       String finished, Map<String, Double> phaseSeconds) {

    /**
     * Where a model's weights came from and where they are, with what it takes to rebuild the
     * model from them (an experiment's {@code model: {run: ...}}).
     *
     * @param cacheKey the model cache's key: a SHA-256 of everything that determines the weights,
     *     or null for a model evaluated as it was loaded
     * @param weightsFile the weights in the run folder, relative to it
     * @param architecture the architecture built here, or "torchscript" for a network loaded from TorchScript
     * @param preprocessing the normalisation inside the model, or null
     * @param origin where the weights started when not from scratch: a TorchScript file or an earlier run's weights
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record ModelProvenance(String label, String cacheKey, String weightsFile, String weightsSha256, String architecture,
                                  Preprocessing preprocessing, ModelSource.Origin origin) {}

    /** The software, machine and checkout the run found. */
    public record Environment(Versions versions, Machine machine, Git git) {

        /** This JVM and machine, with the engine's intra-op thread count, and the checkout holding {@code dir}. */
        public static Environment current(int engineThreads, Path dir) {
            return new Environment(Versions.current(), Machine.current(engineThreads), Git.of(dir));
        }
    }

    public record Versions(String bench, String java, String javaVm, String djl, String engine) {
        static Versions current() {
            String v = Manifest.class.getPackage().getImplementationVersion();
            return new Versions(v == null ? "dev" : v, System.getProperty("java.version"),
                    System.getProperty("java.vm.name") + " " + System.getProperty("java.vm.version"),
                    Engines.djlVersion(), Engines.engineVersion());
        }
    }

    /**
     * @param engineThreads PyTorch intra-op threads; results are reproducible for a fixed count
     * @param interopThreads PyTorch inter-op threads (always 1 here)
     */
    public record Machine(String os, String arch, String cpu, int cores, int engineThreads, int interopThreads) {

        public static Machine current(int engineThreads) {
            return new Machine(System.getProperty("os.name") + " " + System.getProperty("os.version"),
                    System.getProperty("os.arch"), cpuModel(), Runtime.getRuntime().availableProcessors(),
                    engineThreads, Engines.INTEROP_THREADS);
        }

        public static String cpuModel() {
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
}
