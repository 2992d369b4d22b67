package advbench.figures;

import advbench.data.DataShape;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.geom.AffineTransform;
import java.awt.geom.Rectangle2D;

/**
 * A confusion matrix, true class down, predicted class across. Each cell holds its count; its
 * shade is the share of its row (the true class), on a single-hue blue ramp that reads the same
 * in grey-scale and to colour-blind readers. The matrix is square and centred in the figure.
 * Where the data set names its classes, the rows carry the names beside the numbers that head
 * the columns.
 */
public final class ConfusionFigure implements Drawing {
    private static final double PAD = 2;
    private final int[][] counts;
    private final DataShape shape;
    private final FigureStyle style;

    /** @param counts [true][predicted] */
    public ConfusionFigure(int[][] counts, DataShape shape, FigureStyle style) {
        this.counts = counts;
        this.shape = shape;
        this.style = style;
    }

    /** "3" or, with class names, "3 Dress". */
    private String rowLabel(int c) {
        return shape.hasClassNames() ? c + " " + shape.className(c) : Integer.toString(c);
    }

    /** Builds the matrix from per-sample labels and predictions. */
    public static int[][] count(int[] labels, int[] predicted, int classes) {
        int[][] m = new int[classes][classes];
        for (int i = 0; i < labels.length; i++) {
            if (labels[i] >= 0 && labels[i] < classes && predicted[i] >= 0 && predicted[i] < classes) {
                m[labels[i]][predicted[i]]++;
            }
        }
        return m;
    }

    @Override
    public void draw(Graphics2D g, double width, double height) {
        int k = counts.length;
        Font label = style.font();
        Font tick = style.smallFont();
        double title = style.hasTitle() ? style.titleFont().getSize2D() * 1.4 : 0;
        double lh = label.getSize2D() * 1.3;
        double tickW = 3;
        for (int c = 0; c < k; c++) {
            tickW = Math.max(tickW, g.getFontMetrics(tick).getStringBounds(rowLabel(c), g).getWidth() + 3);
        }
        double left = PAD + lh + tickW; // rotated "true class", then tick labels
        double top = PAD + title + lh + tick.getSize2D() * 1.3; // "predicted class" above the matrix, then ticks
        double side = Math.max(10, Math.min(width - left - PAD, height - top - PAD));
        double cell = side / k;
        double x0 = left + Math.max(0, (width - left - PAD - side) / 2);
        double y0 = top;

        g.setPaint(Color.WHITE);
        g.fill(new Rectangle2D.Double(0, 0, width, height));
        g.setPaint(FigureStyle.TEXT);
        if (style.hasTitle()) {
            g.setFont(style.titleFont());
            centred(g, style.title(), width / 2, PAD + style.titleFont().getSize2D());
        }
        g.setFont(label);
        centred(g, "predicted class", x0 + side / 2, PAD + title + label.getSize2D());
        AffineTransform saved = g.getTransform();
        g.translate(x0 - tickW - PAD - 1, y0 + side / 2);
        g.rotate(-Math.PI / 2);
        centred(g, "true class", 0, 0);
        g.setTransform(saved);

        Font cellFont = fit(g, tick, cell);
        for (int t = 0; t < k; t++) {
            int rowTotal = 0;
            for (int p = 0; p < k; p++) {
                rowTotal += counts[t][p];
            }
            for (int p = 0; p < k; p++) {
                double share = rowTotal == 0 ? 0 : (double) counts[t][p] / rowTotal;
                double x = x0 + p * cell;
                double y = y0 + t * cell;
                g.setPaint(blues(share));
                g.fill(new Rectangle2D.Double(x, y, cell, cell));
                if (counts[t][p] > 0) {
                    g.setFont(cellFont);
                    g.setPaint(share > 0.45 ? Color.WHITE : FigureStyle.TEXT);
                    centred(g, Integer.toString(counts[t][p]), x + cell / 2, y + cell / 2 + cellFont.getSize2D() * 0.35);
                }
            }
        }
        g.setPaint(FigureStyle.TEXT);
        g.setStroke(FigureStyle.thin(0.5));
        g.draw(new Rectangle2D.Double(x0, y0, side, side));
        g.setFont(tick);
        for (int c = 0; c < k; c++) {
            centred(g, Integer.toString(c), x0 + (c + 0.5) * cell, y0 - tick.getSize2D() * 0.4);
            String s = rowLabel(c);
            double w = g.getFontMetrics().getStringBounds(s, g).getWidth();
            g.drawString(s, (float) (x0 - 2 - w), (float) (y0 + (c + 0.5) * cell + tick.getSize2D() * 0.35));
        }
    }

    /** The largest font up to {@code base} in which the widest count fits a cell. */
    private Font fit(Graphics2D g, Font base, double cell) {
        int max = 0;
        for (int[] row : counts) {
            for (int v : row) {
                max = Math.max(max, v);
            }
        }
        String widest = Integer.toString(max);
        Font f = base;
        while (f.getSize2D() > 3 && g.getFontMetrics(f).getStringBounds(widest, g).getWidth() > cell * 0.92) {
            f = f.deriveFont(f.getSize2D() - 0.25f);
        }
        return f;
    }

    /** White to ColorBrewer's darkest blue (#08306B), through its mid blue. */
    static Color blues(double share) {
        return new Color(FigureStyle.ramp(new int[] {0xF7FBFF, 0x6BAED6, 0x08306B}, share));
    }

    private static void centred(Graphics2D g, String s, double x, double baseline) {
        double w = g.getFontMetrics().getStringBounds(s, g).getWidth();
        g.drawString(s, (float) (x - w / 2), (float) baseline);
    }
}
