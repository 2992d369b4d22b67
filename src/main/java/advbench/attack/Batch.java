package advbench.attack;

import advbench.model.Classifier;
import ai.djl.ndarray.NDArray;
import java.util.EnumMap;
import java.util.Map;

/**
 * What an attack works on: images (N, C, H, W) in [0, 1], their true labels, each sample's index
 * in the data set, and each row's draw: randomised attacks derive a per-sample random stream from
 * the sample's index and the draw, so that a sample gets the same random start whatever else shares
 * its batch, and a new one for each restart (or, in adversarial training, each epoch). Multi-run
 * attacks read a run's target class from the draw too. The draw is per row so that several runs of
 * one sample can share a batch ({@link #stacked}): an ensemble's runs towards each target class,
 * batched together when the samples left are too few to fill a pass.
 *
 * <p>A batch made by {@link #select} owns the images it gathered and frees them when closed; the
 * batch it came from, and one that shares its images, frees nothing.
 *
 * <p>A test batch may carry its clean pass ({@link #withCleanPass}): the logits and the input
 * gradient of the summed cross-entropy of its true labels, which the evaluator computes anyway
 * for the clean predictions and the gradient check. An attack whose own first pass is exactly that
 * (untargeted FGSM) reuses it instead of running it again; nothing else may assume it is there.
 */
public final class Batch implements AutoCloseable {
    private final NDArray images;
    private final int[] labels;
    private final int[] sampleIds;
    private final int[] draws;
    private final boolean ownsImages;
    private final Classifier.Gradient cleanPass;
    private final Map<TargetOrder, int[][]> targetOrders;

    public Batch(NDArray images, int[] labels, int[] sampleIds) {
        this(images, labels, sampleIds, new int[labels.length], false, null, Map.of());
    }

    private Batch(NDArray images, int[] labels, int[] sampleIds, int[] draws, boolean ownsImages, Classifier.Gradient cleanPass,
                  Map<TargetOrder, int[][]> targetOrders) {
        if (images.getShape().get(0) != labels.length || labels.length != sampleIds.length || draws.length != labels.length) {
            throw new IllegalArgumentException("images, labels, sample ids and draws differ in count");
        }
        this.images = images;
        this.labels = labels;
        this.sampleIds = sampleIds;
        this.draws = draws;
        this.ownsImages = ownsImages;
        this.cleanPass = cleanPass;
        this.targetOrders = targetOrders;
    }

    public NDArray images() {
        return images;
    }

    public int[] labels() {
        return labels;
    }

    public int[] sampleIds() {
        return sampleIds;
    }

    /** Row i's draw: which random stream (restart, epoch) and, for a multi-run attack, which of its runs. */
    public int drawOf(int row) {
        return draws[row];
    }

    /** The draw every row shares; a stacked batch, whose rows differ, has none. */
    public int draw() {
        for (int d : draws) {
            if (d != draws[0]) {
                throw new IllegalStateException("the rows of a stacked batch have different draws");
            }
        }
        return draws.length == 0 ? 0 : draws[0];
    }

    public int size() {
        return labels.length;
    }

    /** Values per image. */
    public int pixelsPerImage() {
        return (int) (images.size() / size());
    }

    /**
     * Some rows (indices into this batch, increasing) as a batch of their own, in the same
     * NDManager; it shares this batch's images when the rows are all of them.
     */
    public Batch select(int[] rows) {
        if (rows.length == size()) {
            return new Batch(images, labels, sampleIds, draws, false, null, targetOrders);
        }
        return gather(rows, Rows.pick(draws, rows));
    }

    /**
     * Some rows (increasing) once per run {@code firstDraw}, {@code firstDraw + 1}, ..., {@code
     * firstDraw + runs - 1}, run by run: row {@code q * rows.length + j} is row {@code rows[j]} with
     * draw {@code firstDraw + q}. One pass of an attack over it does the work of {@code runs}
     * passes over the rows, for attacks whose rows do not depend on each other (every attack: a
     * sample alone gets what it gets in any batch).
     */
    public Batch stacked(int[] rows, int firstDraw, int runs) {
        int m = rows.length;
        int[] all = new int[m * runs];
        int[] drawn = new int[m * runs];
        for (int q = 0; q < runs; q++) {
            for (int j = 0; j < m; j++) {
                all[q * m + j] = rows[j];
                drawn[q * m + j] = firstDraw + q;
            }
        }
        return gather(all, drawn);
    }

    /** These rows (any order, repeats allowed) with these draws, gathered into images of their own. */
    private Batch gather(int[] rows, int[] rowDraws) {
        Map<TargetOrder, int[][]> picked = new EnumMap<>(TargetOrder.class);
        targetOrders.forEach((order, perRow) -> {
            int[][] p = new int[rows.length][];
            for (int j = 0; j < rows.length; j++) {
                p[j] = perRow[rows[j]];
            }
            picked.put(order, p);
        });
        try (NDArray index = images.getManager().create(Rows.toLong(rows))) {
            return new Batch(images.get(index), Rows.pick(labels, rows), Rows.pick(sampleIds, rows), rowDraws, true, null,
                    picked.isEmpty() ? Map.of() : picked);
        }
    }

    /** The same samples with another draw of their random streams. */
    public Batch withDraw(int draw) {
        int[] same = new int[size()];
        java.util.Arrays.fill(same, draw);
        return new Batch(images, labels, sampleIds, same, false, null, targetOrders);
    }

    /**
     * The same batch carrying the order (see {@link TargetOrder#of}) in which a multi-target attack
     * tries each sample's classes, so that an ensemble's members, each run per target on a subset,
     * compute it once. It must be the order of these images: a sub-batch ({@link #select}) keeps its rows.
     */
    public Batch withTargetOrder(TargetOrder order, int[][] perRow) {
        if (perRow.length != size()) {
            throw new IllegalArgumentException("a target order per sample: " + perRow.length + " for " + size());
        }
        Map<TargetOrder, int[][]> orders = new EnumMap<>(TargetOrder.class);
        orders.putAll(targetOrders);
        orders.put(order, perRow);
        return new Batch(images, labels, sampleIds, draws, false, cleanPass, orders);
    }

    /** The order carried by {@link #withTargetOrder}, or null. */
    int[][] targetOrder(TargetOrder order) {
        return targetOrders.get(order);
    }

    /**
     * The same batch carrying its clean pass: {@code model.gradientOf(images, CrossEntropy.sum(logits,
     * labels))}. The pass stays the caller's to free.
     */
    public Batch withCleanPass(Classifier.Gradient pass) {
        return new Batch(images, labels, sampleIds, draws, false, pass, targetOrders);
    }

    /** The clean pass given by {@link #withCleanPass}, or null. */
    public Classifier.Gradient cleanPass() {
        return cleanPass;
    }

    @Override
    public void close() {
        if (ownsImages) {
            images.close();
        }
    }
}
