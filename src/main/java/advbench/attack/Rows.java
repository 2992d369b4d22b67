package advbench.attack;

/** Picking rows of per-sample arrays by index, as attacks drop samples they are done with. */
public final class Rows {
    private Rows() {}

    public static int[] pick(int[] values, int[] rows) {
        int[] out = new int[rows.length];
        for (int j = 0; j < rows.length; j++) {
            out[j] = values[rows[j]];
        }
        return out;
    }

    public static boolean[] pick(boolean[] values, int[] rows) {
        boolean[] out = new boolean[rows.length];
        for (int j = 0; j < rows.length; j++) {
            out[j] = values[rows[j]];
        }
        return out;
    }

    public static long[] toLong(int[] rows) {
        long[] out = new long[rows.length];
        for (int j = 0; j < rows.length; j++) {
            out[j] = rows[j];
        }
        return out;
    }

    /** Positions j where {@code keep[j]} is true. */
    public static int[] where(boolean[] keep) {
        int count = 0;
        for (boolean k : keep) {
            count += k ? 1 : 0;
        }
        int[] out = new int[count];
        for (int j = 0, c = 0; j < keep.length; j++) {
            if (keep[j]) {
                out[c++] = j;
            }
        }
        return out;
    }

    /** 0, 1, ..., n - 1: every row of a batch of n. */
    public static int[] all(int n) {
        int[] rows = new int[n];
        for (int i = 0; i < n; i++) {
            rows[i] = i;
        }
        return rows;
    }

    public static boolean[] not(boolean[] b) {
        boolean[] out = new boolean[b.length];
        for (int i = 0; i < b.length; i++) {
            out[i] = !b[i];
        }
        return out;
    }

    /** The rows of a flat array of per-sample blocks of {@code d} values. */
    public static float[] pick(float[] all, int[] rows, int d) {
        float[] out = new float[rows.length * d];
        for (int j = 0; j < rows.length; j++) {
            System.arraycopy(all, rows[j] * d, out, j * d, d);
        }
        return out;
    }

    /** Some rows of flat pixels as images shaped like {@code like} (but for the count), in {@code scope}. */
    static ai.djl.ndarray.NDArray images(ai.djl.ndarray.NDManager scope, ai.djl.ndarray.NDArray like, float[] pixels, int[] rows, int d) {
        long[] shape = like.getShape().getShape().clone();
        shape[0] = rows.length;
        return scope.create(pick(pixels, rows, d), new ai.djl.ndarray.types.Shape(shape));
    }

    /** The model's predictions for some rows of flat pixels, images shaped like {@code like}. */
    static int[] predict(advbench.model.Classifier model, ai.djl.ndarray.NDArray like, float[] pixels, int[] rows, int d) {
        try (ai.djl.ndarray.NDManager scope = like.getManager().newSubManager()) {
            return model.predict(images(scope, like, pixels, rows, d));
        }
    }
}
