package advbench.model;

import ai.djl.engine.Engine;

/**
 * One place that configures the PyTorch engine. Thread counts must be set before the engine
 * loads; with a fixed thread count and seed, libtorch's CPU kernels give the same numbers run
 * after run on the same machine.
 */
public final class Engines {
    private Engines() {}

    /** Call before anything touches DJL. Threads <= 0 means all cores. */
    public static void configure(int threads) {
        int n = threads > 0 ? threads : Runtime.getRuntime().availableProcessors();
        // Never let DJL reach for the network: libtorch ships in the pytorch-native-cpu jar.
        System.setProperty("ai.djl.offline", "true");
        System.setProperty("ai.djl.pytorch.num_threads", Integer.toString(n));
        System.setProperty("ai.djl.pytorch.num_interop_threads", "1");
        System.setProperty("java.awt.headless", "true");
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
