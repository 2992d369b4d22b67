package advbench.attack;

import advbench.model.Classifier;
import ai.djl.ndarray.NDArray;

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

    public Batch(NDArray images, int[] labels, int[] sampleIds) {
        this(images, labels, sampleIds, 0, false, null);
    }

    private Batch(NDArray images, int[] labels, int[] sampleIds, int draw, boolean ownsImages, Classifier.Gradient cleanPass) {
        if (images.getShape().get(0) != labels.length || labels.length != sampleIds.length) {
            throw new IllegalArgumentException("images, labels and sample ids differ in count");
        }
        this.images = images;
        this.labels = labels;
        this.sampleIds = sampleIds;
        this.draw = draw;
        this.ownsImages = ownsImages;
        this.cleanPass = cleanPass;
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
            return new Batch(images, labels, sampleIds, draw, false, null);
        }
        try (NDArray index = images.getManager().create(Rows.toLong(rows))) {
            return new Batch(images.get(index), Rows.pick(labels, rows), Rows.pick(sampleIds, rows), draw, true, null);
        }
    }

    /** The same samples with another draw of their random streams. */
    public Batch withDraw(int draw) {
        return new Batch(images, labels, sampleIds, draw, false, null);
    }

    /**
     * The same batch carrying its clean pass: {@code model.gradientOf(images, CrossEntropy.sum(logits,
     * labels))}. The pass stays the caller's to free.
     */
    public Batch withCleanPass(Classifier.Gradient pass) {
        return new Batch(images, labels, sampleIds, draw, false, pass);
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
