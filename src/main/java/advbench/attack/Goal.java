package advbench.attack;

/**
 * What an attack is after, per sample, like Foolbox's criteria: untargeted, any class but the true
 * label; targeted, the sample's target class (a sample whose target is {@link Target#NONE} is left
 * where it is). A loss turns the goal into something to ascend (see {@link Loss}).
 *
 * @param targets per-sample targets, or null when untargeted
 * @param earlyStop whether a sample may stop being optimised at its first success: it only saves
 *     gradients, the result is the same (the first successful iterate is kept either way)
 */
public record Goal(int[] labels, int[] targets, boolean earlyStop) {

    public static Goal untargeted(int[] labels) {
        return new Goal(labels, null, false);
    }

    public boolean targeted() {
        return targets != null;
    }

    public int size() {
        return labels.length;
    }

    /** Per sample: the class whose loss the gradient is taken of (the target, else the label). */
    public int[] lossLabels() {
        if (!targeted()) {
            return labels;
        }
        int[] l = new int[targets.length];
        for (int i = 0; i < l.length; i++) {
            l[i] = targets[i] == Target.NONE ? labels[i] : targets[i];
        }
        return l;
    }

    /** Per sample: +1 ascend the label's loss, -1 descend the target's, 0 stay (no target). */
    public float[] direction() {
        float[] d = new float[labels.length];
        for (int i = 0; i < d.length; i++) {
            d[i] = !targeted() ? 1f : targets[i] == Target.NONE ? 0f : -1f;
        }
        return d;
    }

    /** Whether each prediction reaches the goal: another class than the label, or the target. */
    public boolean[] success(int[] predicted) {
        boolean[] s = new boolean[predicted.length];
        for (int i = 0; i < s.length; i++) {
            s[i] = targets == null ? predicted[i] != labels[i] : targets[i] != Target.NONE && predicted[i] == targets[i];
        }
        return s;
    }

    /** The goal of some rows only (increasing). */
    public Goal select(int[] rows) {
        return rows.length == labels.length ? this
                : new Goal(Rows.pick(labels, rows), targets == null ? null : Rows.pick(targets, rows), earlyStop);
    }

    /** The goal of {@link Batch#stacked}'s rows: some rows (increasing), once per run. */
    public Goal stacked(int[] rows, int runs) {
        int[] all = new int[rows.length * runs];
        for (int q = 0; q < runs; q++) {
            System.arraycopy(rows, 0, all, q * rows.length, rows.length);
        }
        return new Goal(Rows.pick(labels, all), targets == null ? null : Rows.pick(targets, all), earlyStop);
    }
}
