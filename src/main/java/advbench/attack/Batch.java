package advbench.attack;

import advbench.model.Classifier;
import ai.djl.ndarray.NDArray;
import java.util.EnumMap;
import java.util.Map;

/**
 * What an attack works on: images (N, C, H, W) in [0, 1], their true labels, each sample's index
 * in the data set, and the draw: randomised attacks derive a per-sample random stream from the
 * sample's index and the draw, so that a sample gets the same random start whatever else shares
 * its batch, and a new one for each restart (or, in adversarial training, each epoch).
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
    private final int draw;
    private final boolean ownsImages;
    private final Classifier.Gradient cleanPass;
    private final Map<TargetOrder, int[][]> targetOrders;

    public Batch(NDArray images, int[] labels, int[] sampleIds) {
        this(images, labels, sampleIds, 0, false, null, Map.of());
    }

    private Batch(NDArray images, int[] labels, int[] sampleIds, int draw, boolean ownsImages, Classifier.Gradient cleanPass,
                  Map<TargetOrder, int[][]> targetOrders) {
        if (images.getShape().get(0) != labels.length || labels.length != sampleIds.length) {
            throw new IllegalArgumentException("images, labels and sample ids differ in count");
        }
        this.images = images;
        this.labels = labels;
        this.sampleIds = sampleIds;
        this.draw = draw;
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

    public int draw() {
        return draw;
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
            return new Batch(images, labels, sampleIds, draw, false, null, targetOrders);
        }
        Map<TargetOrder, int[][]> picked = new EnumMap<>(TargetOrder.class);
        targetOrders.forEach((order, perRow) -> {
            int[][] p = new int[rows.length][];
            for (int j = 0; j < rows.length; j++) {
                p[j] = perRow[rows[j]];
            }
            picked.put(order, p);
        });
        try (NDArray index = images.getManager().create(Rows.toLong(rows))) {
            return new Batch(images.get(index), Rows.pick(labels, rows), Rows.pick(sampleIds, rows), draw, true, null,
                    picked.isEmpty() ? Map.of() : picked);
        }
    }

    /** The same samples with another draw of their random streams. */
    public Batch withDraw(int draw) {
        return new Batch(images, labels, sampleIds, draw, false, null, targetOrders);
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
        return new Batch(images, labels, sampleIds, draw, false, cleanPass, orders);
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
        return new Batch(images, labels, sampleIds, draw, false, pass, targetOrders);
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
