package advbench;

import java.io.PrintStream;

/**
 * A progress bar for long phases (training epochs, attack sweeps), with rate and time left.
 * On a terminal it redraws one line; elsewhere (CI, a pipe) it prints a plain line every 25%.
 */
public final class Progress implements AutoCloseable {
    private static final int WIDTH = 30;
    private final PrintStream out;
    private final String label;
    private final long total;
    private final String unit;
    private final boolean interactive;
    private final long start = System.nanoTime();
    private long done;
    private long lastDraw;
    private int lastQuarter;

    Progress(PrintStream out, String label, long total, String unit) {
        this.out = out;
        this.label = label;
        this.total = Math.max(1, total);
        this.unit = unit;
        this.interactive = System.console() != null && System.getenv("CI") == null;
    }

    public void advance(long amount) {
        done = Math.min(total, done + amount);
        long now = System.nanoTime();
        if (interactive) {
            if (now - lastDraw > 200_000_000L || done == total) {
                lastDraw = now;
                out.print("\r" + render(now));
                out.flush();
            }
        } else {
            int quarter = (int) (4 * done / total);
            if (quarter > lastQuarter && done < total) {
                lastQuarter = quarter;
                out.println(render(now));
            }
        }
    }

    String render(long now) {
        double seconds = Math.max(1e-9, (now - start) / 1e9);
        double rate = done / seconds;
        int filled = (int) (WIDTH * done / total);
        String bar = "#".repeat(filled) + "-".repeat(WIDTH - filled);
        long left = rate > 0 ? Math.round((total - done) / rate) : 0;
        return String.format("%s [%s] %3d%% %,d/%,d %.0f %s/s, %ds left",
                label, bar, 100 * done / total, done, total, rate, unit, left);
    }

    @Override
    public void close() {
        if (interactive) {
            out.print("\r" + " ".repeat(WIDTH + label.length() + 60) + "\r");
            out.flush();
        }
    }
}
