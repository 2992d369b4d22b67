package advbench.data;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;

/**
 * A loaded data set: train and test images, and the MD5 of each file they came from keyed by
 * its absolute path (for the run manifest). Subsets are drawn without replacement from a seeded shuffle, then kept in file
 * order, so the same seed always gives the same samples.
 */
public record Dataset(String name, LabeledImages train, LabeledImages test, Map<String, String> fileMd5s) {

    /**
     * Reads the four files and keeps {@code trainSubset} / {@code testSubset} samples of each
     * (0 means all).
     */
    public static Dataset load(String name, IdxFiles files, int trainSubset, int testSubset, long seed) {
        LabeledImages train = IdxReader.readPair(files.trainImages(), files.trainLabels());
        LabeledImages test = IdxReader.readPair(files.testImages(), files.testLabels());
        Map<String, String> md5s = new LinkedHashMap<>();
        for (Path p : files.all()) {
            md5s.put(p.toAbsolutePath().normalize().toString(), Md5.of(p));
        }
        return new Dataset(name,
                subset(train, trainSubset, seed, 1),
                subset(test, testSubset, seed, 2),
                md5s);
    }

    /**
     * Splits {@code size} images off a training set, chosen from the seed: {train, held out}.
     * Held-out images are never trained on.
     */
    public static LabeledImages[] holdOut(LabeledImages train, int size, long seed) {
        int n = Math.min(size, train.count());
        int[] held = chooseIndices(train.count(), n, new Random(seed * 1_000_003L + 3));
        boolean[] isHeld = new boolean[train.count()];
        for (int i : held) {
            isHeld[i] = true;
        }
        int[] kept = java.util.stream.IntStream.range(0, train.count()).filter(i -> !isHeld[i]).toArray();
        return new LabeledImages[] {train.select(kept), train.select(held)};
    }

    static LabeledImages subset(LabeledImages all, int size, long seed, int stream) {
        if (size <= 0 || size >= all.count()) {
            return all;
        }
        return all.select(chooseIndices(all.count(), size, new Random(seed * 1_000_003L + stream)));
    }

    /** The first {@code size} of a seeded Fisher-Yates shuffle of 0..count-1, sorted. */
    static int[] chooseIndices(int count, int size, Random random) {
        int[] idx = new int[count];
        for (int i = 0; i < count; i++) {
            idx[i] = i;
        }
        for (int i = 0; i < size; i++) {
            int j = i + random.nextInt(count - i);
            int t = idx[i];
            idx[i] = idx[j];
            idx[j] = t;
        }
        int[] chosen = Arrays.copyOf(idx, size);
        Arrays.sort(chosen);
        return chosen;
    }
}
