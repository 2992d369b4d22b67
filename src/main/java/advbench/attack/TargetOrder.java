package advbench.attack;

import advbench.model.Classifier;
import ai.djl.ndarray.NDArray;

/**
 * The order in which a multi-target attack (APGD-T, FAB-T) tries the classes other than a
 * sample's label, all computed at the clean image.
 *
 * <ul>
 *   <li>{@link #LOGIT}, the AutoAttack reference's: by decreasing clean logit (the classes ranked
 *       2nd, 3rd, ... for a correctly classified sample).</li>
 *   <li>{@link #MALT} (Melamed, Yehudai and Shamir, NeurIPS 2024; odeliamel/MALT, targeting.py):
 *       by the linearised distance to each class's boundary, (z_pred - z_t) / ||grad(z_t - z_y)||
 *       in the dual norm (L1 for an L-inf attack, L2 for L2), nearest first. One backward pass
 *       per candidate class, batched into one pass over the images repeated once per class.</li>
 * </ul>
 *
 * <p>Where MALT's code gives a class whose gradient difference is exactly zero the score 0 (so it
 * comes first), this ranks it last: a boundary the linearisation cannot reach is the farthest.
 */
public enum TargetOrder {
    LOGIT("logit"),
    MALT("malt");

    private final String label;

    TargetOrder(String label) {
        this.label = label;
    }

    public String label() {
        return label;
    }

    /** The order an experiment file names (checked there): "logit" or "malt"; null gives the reference's logit order. */
    public static TargetOrder parse(String name) {
        if (name == null) {
            return LOGIT;
        }
        for (TargetOrder o : values()) {
            if (o.label.equals(name)) {
                return o;
            }
        }
        throw new IllegalArgumentException("unknown target order '" + name + "'; expected logit or malt");
    }

    /**
     * Per sample of the batch, every class but its label, in the order this tries them for an
     * attack in {@code norm}; taken from the batch when it carries this order already ({@link
     * Batch#withTargetOrder}: an ensemble computes it once for all its targeted members).
     */
    public int[][] of(Classifier model, Batch batch, Norm norm) {
        int[][] carried = batch.targetOrder(this);
        if (carried != null) {
            return carried;
        }
        return this == LOGIT ? byLogit(model, batch) : byMalt(model, batch, norm != Norm.L2);
    }

    /** The classes in decreasing clean logit, the label left out (it is rank 1 for a correctly classified sample). */
    private static int[][] byLogit(Classifier model, Batch batch) {
        float[] logits;
        try (NDArray z = model.logits(batch.images())) {
            logits = z.toFloatArray();
        }
        return byLogit(logits, model.shape().classes(), batch.labels());
    }

    /** The logit order from clean logits already on the host (row-major, {@code classes} per sample). */
    static int[][] byLogit(float[] logits, int classes, int[] labels) {
        int[][] order = new int[labels.length][];
        for (int i = 0; i < order.length; i++) {
            order[i] = withoutLabel(LogitRanks.order(logits, classes, i), labels[i]);
        }
        return order;
    }

    /**
     * MALT's order: the linearised distance to each class's boundary, nearest first (ties by class
     * number). Each sample's class gradients come from a pass of its own (its image once per class),
     * so that its order is the same whatever batch it is in: libtorch's arithmetic may differ with
     * the batch's size, and a near tie between two classes must not move a class from the fast
     * ensemble's targets to its audit's.
     */
    private static int[][] byMalt(Classifier model, Batch batch, boolean dualL1) {
        int n = batch.size();
        int classes = model.shape().classes();
        int d = batch.pixelsPerImage();
        int[][] all = new int[1][classes];
        java.util.Arrays.setAll(all[0], c -> c);
        float[] pixels = batch.images().toFloatArray();
        int[][] order = new int[n][];
        for (int i = 0; i < n; i++) {
            ClassGradients g = ClassGradients.of(model, batch.images(), pixels, new int[] {i}, d, all);
            order[i] = ranked(g, 0, batch.labels()[i], classes, d, dualL1);
        }
        return order;
    }

    private static int[] ranked(ClassGradients g, int i, int label, int classes, int d, boolean dualL1) {
        int predicted = 0;
        for (int c = 1; c < classes; c++) {
            if (g.logit(i, c) > g.logit(i, predicted)) {
                predicted = c;
            }
        }
        double[] distance = new double[classes];
        for (int t = 0; t < classes; t++) {
            if (t == label) {
                continue;
            }
            double norm = 0;
            for (int e = 0; e < d; e++) {
                double diff = (double) g.gradient(i, t, e) - g.gradient(i, label, e);
                norm += dualL1 ? Math.abs(diff) : diff * diff;
            }
            norm = dualL1 ? norm : Math.sqrt(norm);
            double gap = (double) g.logit(i, predicted) - g.logit(i, t);
            distance[t] = norm > 0 ? gap / norm : Double.POSITIVE_INFINITY;
        }
        Integer[] candidates = new Integer[classes - 1];
        int k = 0;
        for (int t = 0; t < classes; t++) {
            if (t != label) {
                candidates[k++] = t;
            }
        }
        java.util.Arrays.sort(candidates, (a, b) -> {
            int byDistance = Double.compare(distance[a], distance[b]);
            return byDistance != 0 ? byDistance : Integer.compare(a, b);
        });
        int[] order = new int[candidates.length];
        for (int j = 0; j < order.length; j++) {
            order[j] = candidates[j];
        }
        return order;
    }

    private static int[] withoutLabel(int[] classes, int label) {
        int[] out = new int[classes.length - 1];
        int k = 0;
        for (int c : classes) {
            if (c != label && k < out.length) {
                out[k++] = c;
            }
        }
        return out;
    }
}
