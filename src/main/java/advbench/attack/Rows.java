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
}
