package advbench;

import java.io.PrintStream;
import java.time.temporal.ChronoUnit;
import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

/**
 * Progress of a long phase (training epochs, attack sweeps), with rate and time left. On a
 * terminal it is a redrawn bar (me.tongfei:progressbar); elsewhere (CI, a pipe, a log file) a
 * redrawn line would be noise, so it prints a plain line every 25%.
 */
public final class Progress implements AutoCloseable {
    private static final int WIDTH = 30;
    private final PrintStream out;
    private final String label;
    private final long total;
    private final String unit;
    private final ProgressBar bar;
    private final long start = System.nanoTime();
    private long done;
    private int lastQuarter;

    Progress(PrintStream out, String label, long total, String unit) {
        this.out = out;
        this.label = label;
        this.total = Math.max(1, total);
        this.unit = unit;
        boolean interactive = System.console() != null && System.getenv("CI") == null;
        this.bar = interactive ? new ProgressBarBuilder()
                .setTaskName(label)
                .setInitialMax(this.total)
                .setUnit(" " + unit, 1)
                .showSpeed()
                .setSpeedUnit(ChronoUnit.SECONDS)
                .setStyle(ProgressBarStyle.ASCII)
                .setConsumer(new ConsoleProgressBarConsumer(out))
                .build() : null;
    }

    public void advance(long amount) {
        done = Math.min(total, done + amount);
        if (bar != null) {
            bar.stepTo(done);
            return;
        }
        int quarter = (int) (4 * done / total);
        if (quarter > lastQuarter && done < total) {
            lastQuarter = quarter;
            out.println(render(System.nanoTime()));
        }
    }

    /** The plain line: label, bar, share done, rate and time left. */
    String render(long now) {
        double seconds = Math.max(1e-9, (now - start) / 1e9);
        double rate = done / seconds;
        int filled = (int) (WIDTH * done / total);
        String line = "#".repeat(filled) + "-".repeat(WIDTH - filled);
        long left = rate > 0 ? Math.round((total - done) / rate) : 0;
        return String.format("%s [%s] %3d%% %,d/%,d %.0f %s/s, %ds left",
                label, line, 100 * done / total, done, total, rate, unit, left);
    }

    @Override
    public void close() {
        if (bar != null) {
            bar.close();
        }
    }
}
