package advbench.attack;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.util.Arrays;

/**
 * The keeper of each sample's result over one run of {@link AscentLoop}: the first iterate that
 * reached the goal, recorded the moment it is seen (before a run's books may send the iterate
 * back to an earlier point), else the point the run ends at. So a success is never lost by a
 * later step, and the image kept is the one whose prediction is kept. Copies live on the host:
 * copying an iterate costs far less than the gradient pass that produced it.
 */
final class FirstSuccess implements AscentLoop.Sink {
    private final int d;
    private final float[] pixels;
    private final int[] predicted;
    private final boolean[] found;

    FirstSuccess(int n, int d) {
        this.d = d;
        this.pixels = new float[n * d];
        this.predicted = new int[n];
        this.found = new boolean[n];
    }

    @Override
    public void iterate(int t, AscentLoop.Iterate it) {
        take(it.xAdv, it.rows, notFound(it.rows, it.success()), it.predicted(), true);
    }

    /** Samples never fooled take the point the run ends at. */
    @Override
    public void end(AscentLoop.Iterate it, AscentLoop.Run run) {
        take(run.finalPoint(it), it.rows, notFound(it.rows, null), run.finalPredicted(it), false);
    }

    /** Positions j of {@code rows} whose sample has no success kept yet, among those {@code only} marks (all where null). */
    private int[] notFound(int[] rows, boolean[] only) {
        int[] taken = new int[rows.length];
        int count = 0;
        for (int j = 0; j < rows.length; j++) {
            if ((only == null || only[j]) && !found[rows[j]]) {
                taken[count++] = j;
            }
        }
        return Arrays.copyOf(taken, count);
    }

    private void take(NDArray images, int[] rows, int[] taken, int[] predictedNow, boolean success) {
        if (taken.length == 0) {
            return;
        }
        float[] values = hostRows(images, taken, rows.length);
        for (int k = 0; k < taken.length; k++) {
            int j = taken[k];
            int i = rows[j];
            System.arraycopy(values, k * d, pixels, i * d, d);
            predicted[i] = predictedNow[j];
            found[i] = success;
        }
    }

    /**
     * The given rows of an iterate, copied to the host: only those rows, so a step where a few
     * samples succeed copies a few images, not the batch (host copies are garbage the JVM must
     * collect, and memory should stay flat over long sweeps).
     */
    private static float[] hostRows(NDArray iterate, int[] taken, int n) {
        if (taken.length == n) {
            return iterate.toFloatArray();
        }
        try (NDManager scope = iterate.getManager().newSubManager()) {
            NDArray picked = iterate.get(scope.create(Rows.toLong(taken)));
            picked.attach(scope);
            return picked.toFloatArray();
        }
    }

    /** Every sample's result at {@code eps} as an attack's answer, images shaped like the batch's. */
    Adversarial result(double eps, Batch batch, Goal goal) {
        NDArray images = batch.images().getManager().create(pixels, batch.images().getShape());
        return Adversarial.of(eps, images, predicted, goal);
    }
}
