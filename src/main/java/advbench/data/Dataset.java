package advbench.data;

import advbench.SpecException;
import advbench.UserError;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * A loaded data set: train and test images of one {@link DataShape}, and where they came from.
 * Subsets are drawn without replacement from a seeded shuffle, then kept in file order, so the
 * same seed always gives the same samples.
 */
public record Dataset(String name, LabeledImages train, LabeledImages test, DataProvenance provenance) {

    public DataShape shape() {
        return train.shape();
    }

    /**
     * Reads the four files, checks that train and test agree in shape and that every label is a
     * class, and keeps {@code trainSubset} / {@code testSubset} samples of each (0 means all).
     *
     * @param classes what the data set says of its classes (a known data set's count and names, or the
     *     names an experiment gives its own data); the count is the largest label + 1 when nobody says
     */
    public static Dataset load(String name, IdxFiles files, Classes classes, int trainSubset, int testSubset, long seed) {
        IdxReader.Samples train = IdxReader.readPair(files.trainImages(), files.trainLabels());
        IdxReader.Samples test = IdxReader.readPair(files.testImages(), files.testLabels());
        return assemble(name, new Split(train, files.trainImages().getFileName().toString(), "IDX file " + files.trainLabels()),
                new Split(test, files.testImages().getFileName().toString(), "IDX file " + files.testLabels()), classes,
                trainSubset, testSubset, seed, new DataProvenance(name, sources(files)));
    }

    /** One split as read, with how messages name its images and its labels. */
    record Split(IdxReader.Samples samples, String images, String labels) {}

    /**
     * A data set from its two splits, in any format: checks that train and test agree in shape and
     * that every label is a class, and draws the subsets.
     */
    static Dataset assemble(String name, Split train, Split test, Classes classes, int trainSubset, int testSubset, long seed,
                            DataProvenance provenance) {
        DataShape shape = shape(train, test, classes);
        checkSubset(trainSubset, train.samples().labels().length, "train_subset", "training");
        checkSubset(testSubset, test.samples().labels().length, "test_subset", "test");
        return new Dataset(name,
                subset(new LabeledImages(train.samples().images().pixels(), train.samples().labels(), shape), trainSubset, seed, 1),
                subset(new LabeledImages(test.samples().images().pixels(), test.samples().labels(), shape), testSubset, seed, 2),
                provenance);
    }

    /**
     * Each file by its name (the same data found in another folder is the same data), or, where
     * two of the four share a name (train/labels.gz and test/labels.gz), by its role and name, so
     * that no file drops out of the manifest or the model cache key.
     */
    static Map<String, DataProvenance.FileEntry> sources(IdxFiles files) {
        List<String> roles = List.of("train_images", "train_labels", "test_images", "test_labels");
        List<Path> all = files.all();
        boolean distinct = all.stream().map(p -> p.getFileName().toString()).distinct().count() == all.size();
        Map<String, DataProvenance.FileEntry> sources = new LinkedHashMap<>();
        for (int i = 0; i < all.size(); i++) {
            Path p = all.get(i);
            String key = distinct ? p.getFileName().toString() : roles.get(i) + ":" + p.getFileName();
            sources.put(key, new DataProvenance.FileEntry(p.toAbsolutePath().normalize().toString(), Md5.of(p)));
        }
        return sources;
    }

    /** What is known of a data set's classes before its labels are read; either part may be null. */
    public record Classes(Integer count, List<String> names) {
        public static final Classes FROM_LABELS = new Classes(null, null);

        Integer expected() {
            return count != null ? count : names != null ? Integer.valueOf(names.size()) : null;
        }
    }

    private static DataShape shape(Split train, Split test, Classes classes) {
        IdxReader.Images a = train.samples().images();
        IdxReader.Images b = test.samples().images();
        if (a.channels() != b.channels() || a.height() != b.height() || a.width() != b.width()) {
            throw new UserError(test.images() + " holds " + b.channels() + "x" + b.height() + "x" + b.width()
                    + " images but " + train.images() + " holds " + a.channels() + "x" + a.height() + "x"
                    + a.width() + " (channels x rows x columns); training and test images must agree");
        }
        int largest = Math.max(max(train.samples().labels()), max(test.samples().labels()));
        Integer expected = classes.expected();
        if (expected != null) {
            checkLabels(train.labels(), train.samples().labels(), expected);
            checkLabels(test.labels(), test.samples().labels(), expected);
        }
        int count = expected != null ? expected : largest + 1;
        if (count < 2) {
            throw new UserError(train.labels() + ": every label is 0; a classifier needs at least two classes");
        }
        if (expected == null) {
            checkEveryClassIsTrained(train, test, count);
        }
        return new DataShape(a.channels(), a.height(), a.width(), count, classes.names());
    }

    /**
     * Classes counted from the labels must each have training images: a stray label (255 in digit
     * data, a byte of another file) would otherwise silently make a problem of that many classes.
     * Declared classes (class_names) may have none.
     */
    private static void checkEveryClassIsTrained(Split train, Split test, int count) {
        int[] perClass = new int[count];
        for (int label : train.samples().labels()) {
            perClass[label]++;
        }
        List<Integer> empty = new java.util.ArrayList<>();
        for (int c = 0; c < count; c++) {
            if (perClass[c] == 0) {
                empty.add(c);
            }
        }
        if (empty.isEmpty()) {
            return;
        }
        String which = empty.size() <= 5 ? empty.toString() : empty.subList(0, 3) + " ... " + empty.get(empty.size() - 1);
        String strayFile = perClass[count - 1] == 0 ? test.labels() : train.labels();
        throw new UserError(strayFile + ": the labels run up to " + (count - 1) + ", but " + empty.size() + " of those " + count
                + " classes have no training images " + which + "; a stray label, or labels from another data set? (name the"
                + " classes with dataset.class_names if they are meant)");
    }

    private static void checkLabels(String file, int[] labels, int classes) {
        for (int i = 0; i < labels.length; i++) {
            if (labels[i] >= classes) {
                throw new UserError(file + ": label " + labels[i] + " at index " + i + " is outside 0-" + (classes - 1)
                        + " (the data set has " + classes + " classes)");
            }
        }
    }

    private static int max(int[] values) {
        return Arrays.stream(values).max().orElse(0);
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

    /** A subset larger than the data is a mistake, not a request for all of it. */
    private static void checkSubset(int size, int count, String field, String what) {
        if (size > count) {
            throw new SpecException(field, size + " is more than the " + count + " " + what + " images of the data set; 0 keeps all");
        }
    }

    static LabeledImages subset(LabeledImages all, int size, long seed, int stream) {
        if (size <= 0 || size >= all.count()) {
            return all;
        }
        return all.select(chooseIndices(all.count(), size, new Random(seed * 1_000_003L + stream)));
    }

    /** The first {@code size} of a seeded Fisher-Yates shuffle of 0..count-1, sorted. */
    public static int[] chooseIndices(int count, int size, Random random) {
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
