package advbench.model;

import ai.djl.engine.Engine;

/**
 * One place that configures the PyTorch engine. Thread counts must be set before the engine
 * loads; with a fixed thread count and seed, libtorch's CPU kernels give the same numbers run
 * after run on the same machine.
 */
public final class Engines {
    /** PyTorch's inter-op threads: one, so that the only parallelism is inside each operation. */
    public static final int INTEROP_THREADS = 1;

    private Engines() {}

    /**
     * Call before anything touches DJL (DJL reads its thread counts from system properties when
     * the engine loads). Threads <= 0 means all cores. Returns the intra-op thread count, for the
     * record of the run.
     */
    public static int configure(int threads) {
        int n = intraOpThreads(threads);
        // Never let DJL reach for the network: libtorch ships in the pytorch-native-cpu jar.
        System.setProperty("ai.djl.offline", "true");
        System.setProperty("ai.djl.pytorch.num_threads", Integer.toString(n));
        System.setProperty("ai.djl.pytorch.num_interop_threads", Integer.toString(INTEROP_THREADS));
        System.setProperty("java.awt.headless", "true");
        return n;
    }

    /** The intra-op thread count a setting means: itself, or all cores for 0. */
    public static int intraOpThreads(int threads) {
        return threads > 0 ? threads : Runtime.getRuntime().availableProcessors();
    }

    /** Seeds libtorch (parameter init, random tensors) and DJL's own random utilities. */
    public static void seed(long seed) {
        Engine.getInstance().setRandomSeed((int) seed);
    }

    public static String djlVersion() {
        return Engine.getDjlVersion();
    }

    public static String engineVersion() {
        Engine e = Engine.getInstance();
        return e.getEngineName() + " " + e.getVersion();
    }
}
