package advbench.attack;

import ai.djl.ndarray.NDArray;

/**
 * What an attack works on: images (N, 1, rows, cols) in [0, 1], their true labels, and each
 * sample's index in the data set, from which randomised attacks derive per-sample random streams
 * (so that a sample gets the same random start whatever else shares its batch).
 */
public record Batch(NDArray images, int[] labels, int[] sampleIds) {
    public Batch {
        if (images.getShape().get(0) != labels.length || labels.length != sampleIds.length) {
            throw new IllegalArgumentException("images, labels and sample ids differ in count");
        }
    }

    public int size() {
        return labels.length;
    }

    /**
     * Some rows (indices into this batch, increasing) as a batch of their own, in the same
     * NDManager; the batch itself when the rows are all of them.
     */
    public Batch select(int[] rows) {
        if (rows.length == size()) {
            return this;
        }
        try (NDArray index = images.getManager().create(Rows.toLong(rows))) {
            return new Batch(images.get(index), Rows.pick(labels, rows), Rows.pick(sampleIds, rows));
        }
    }
}
