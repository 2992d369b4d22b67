package advbench.figures;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Shape;
import java.awt.geom.Ellipse2D;
import java.awt.geom.Rectangle2D;
import java.util.List;
import org.jfree.chart.util.ShapeUtils;

/**
 * The look shared by every figure: one colour per model or run from the Okabe-Ito palette
 * (distinguishable with the common colour-vision deficiencies and in grey-scale print by its
 * lightness), one marker and dash pattern per attack, thin lines and a sans-serif font whose size
 * is given in points. All lengths are in points, as figures are drawn in points.
 *
 * @param fontSize labels and legend, in points; tick labels are a point smaller
 * @param title drawn above a figure only when given (papers put it in the caption)
 */
public record FigureStyle(double fontSize, String title) {

    /** Okabe-Ito without black (kept for text and axes) and yellow (too light on white). */
    static final List<Color> PALETTE = List.of(new Color(0x0072B2), new Color(0xD55E00), new Color(0x009E73),
            new Color(0xCC79A7), new Color(0xE69F00), new Color(0x56B4E9), new Color(0x000000));
    /** Marks a wrong prediction in grids (vermillion: stands out to every reader). */
    static final Color WRONG = new Color(0xD55E00);
    static final Color GRID_LINES = new Color(0xDDDDDD);
    static final Color TEXT = Color.BLACK;

    public Font font() {
        return font(Font.PLAIN, fontSize);
    }

    public Font smallFont() {
        return font(Font.PLAIN, Math.max(4, fontSize - 1));
    }

    public Font titleFont() {
        return font(Font.BOLD, fontSize + 1);
    }

    public static Font font(int style, double size) {
        return new Font(Font.SANS_SERIF, style, 1).deriveFont(style, (float) size);
    }

    public boolean hasTitle() {
        return title != null && !title.isBlank();
    }

    public static Color colour(int model) {
        return PALETTE.get(model % PALETTE.size());
    }

    /** Solid, dashed, dotted, dash-dot, long dash: cycled by attack. */
    private static final float[][] DASHES = {null, {3.5f, 1.8f}, {1f, 1.5f}, {4f, 1.5f, 1f, 1.5f}, {6f, 2f}};

    public static BasicStroke line(int attack, boolean worstCase) {
        if (worstCase) { // the per-sample worst case: heavier, finely dotted, no marker
            return new BasicStroke(1.6f, BasicStroke.CAP_ROUND, BasicStroke.JOIN_ROUND, 10f, new float[] {0.1f, 2.4f}, 0f);
        }
        float[] dash = DASHES[attack % DASHES.length];
        return dash == null ? new BasicStroke(1f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_ROUND)
                : new BasicStroke(1f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_ROUND, 10f, dash, 0f);
    }

    /** A certified lower bound: heavier, dash-dotted, so that it reads as the floor under the attacks. */
    public static BasicStroke certifiedLine() {
        return new BasicStroke(1.6f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_ROUND, 10f, new float[] {6f, 2f, 1.2f, 2f}, 0f);
    }

    /** Circle, square, triangle, diamond, down triangle, cross: cycled by attack; none for the worst case. */
    public static Shape marker(int attack, boolean worstCase) {
        float s = 1.9f;
        if (worstCase) {
            return new Rectangle2D.Double(0, 0, 0, 0);
        }
        return switch (attack % 6) {
            case 0 -> new Ellipse2D.Double(-s, -s, 2 * s, 2 * s);
            case 1 -> new Rectangle2D.Double(-s * 0.9, -s * 0.9, 1.8 * s, 1.8 * s);
            case 2 -> ShapeUtils.createUpTriangle(s * 1.1f);
            case 3 -> ShapeUtils.createDiamond(s * 1.15f);
            case 4 -> ShapeUtils.createDownTriangle(s * 1.1f);
            default -> ShapeUtils.createDiagonalCross(s, 0.5f);
        };
    }

    public static BasicStroke thin(double width) {
        return new BasicStroke((float) width);
    }

    /** The colour at t in [0, 1] of a ramp through evenly spaced RGB stops, linear in between. */
    static int ramp(int[] stops, double t) {
        double u = Math.max(0, Math.min(1, t)) * (stops.length - 1);
        int k = Math.min(stops.length - 2, (int) Math.floor(u));
        double f = u - k;
        int rgb = 0;
        for (int shift = 16; shift >= 0; shift -= 8) {
            int a = (stops[k] >> shift) & 0xFF;
            int b = (stops[k + 1] >> shift) & 0xFF;
            rgb |= (int) Math.round(a + f * (b - a)) << shift;
        }
        return rgb;
    }
}
