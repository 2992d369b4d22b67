package advbench.attack;

/**
 * What an attack optimises. Untargeted: raise the loss of the true label (ascend). Targeted:
 * lower the loss of the target (descend). Samples without a target do not move.
 */
record Goal(int[] labels, int[] targets) {

    boolean targeted() {
        return targets != null;
    }

    /** Labels whose cross-entropy the gradient is taken of. */
    int[] lossLabels() {
        if (!targeted()) {
            return labels;
        }
        int[] l = new int[targets.length];
        for (int i = 0; i < l.length; i++) {
            l[i] = targets[i] == Target.NONE ? labels[i] : targets[i];
        }
        return l;
    }

    /** Per sample: +1 ascend the loss, -1 descend it, 0 stay (no target). */
    float[] direction() {
        float[] d = new float[labels.length];
        for (int i = 0; i < d.length; i++) {
            d[i] = !targeted() ? 1f : targets[i] == Target.NONE ? 0f : -1f;
        }
        return d;
    }

    static boolean[] success(int[] predicted, int[] labels, int[] targets) {
        boolean[] s = new boolean[predicted.length];
        for (int i = 0; i < s.length; i++) {
            s[i] = targets == null ? predicted[i] != labels[i] : targets[i] != Target.NONE && predicted[i] == targets[i];
        }
        return s;
    }

    /** The goal of some rows only. */
    Goal select(int[] rows) {
        return rows.length == labels.length ? this : new Goal(Rows.pick(labels, rows), targets == null ? null : Rows.pick(targets, rows));
    }

    boolean[] success(int[] predicted) {
        return success(predicted, labels, targets);
    }
}
