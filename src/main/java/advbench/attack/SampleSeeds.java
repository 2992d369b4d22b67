package advbench.attack;

/**
 * Seeds for per-sample random streams: a function of the experiment seed, the sample's index in
 * the data set and a purpose, so a sample draws the same random start whatever batch it is in.
 */
public final class SampleSeeds {
    private SampleSeeds() {}

    public static long of(long seed, long sampleId, long purpose) {
        return mix(mix(mix(seed) ^ sampleId) ^ purpose);
    }

    /** SplitMix64's finaliser: nearby inputs give unrelated outputs. */
    private static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
        z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
        return z ^ (z >>> 31);
    }
}
