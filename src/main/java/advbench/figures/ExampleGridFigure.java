package advbench.figures;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.geom.AffineTransform;
import java.awt.geom.Rectangle2D;
import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.List;
import java.math.BigDecimal;
import java.math.MathContext;

/**
 * The adversarial example grid as a paper figure. Columns are test samples (their true class on
 * top); the first row shows the clean images, then each chosen attack and epsilon has two rows:
 * the adversarial images and the perturbation x_adv - x on a diverging colour map (blue below,
 * red above, white unchanged) scaled to the row's largest |delta|, printed beside it. Under every
 * image: the predicted class and its softmax confidence, in vermillion with a frame when wrong.
 *
 * <p>The width is the requested one; the height follows from the number of rows, so that
 * images stay square.
 */
public final class ExampleGridFigure implements Drawing {
    /** Pixels per image pixel in the embedded bitmaps: crisp even where a viewer smooths. */
    static final int UPSCALE = 4;
    private static final double PAD = 2;

    private final SavedExamples.ModelExamples examples;
    private final List<SavedExamples.AttackImages> rows;
    private final int samples;
    private final FigureStyle style;

    /**
     * @param rows the attacks and epsilons to show, in order
     * @param samples how many samples (columns), at most those saved
     */
    public ExampleGridFigure(SavedExamples.ModelExamples examples, List<SavedExamples.AttackImages> rows, int samples, FigureStyle style) {
        this.examples = examples;
        this.rows = List.copyOf(rows);
        this.samples = Math.min(samples, examples.count());
        this.style = style;
    }

    /** One horizontal band of the figure. */
    private record Band(String[] label, float[] pixels, int[] predicted, float[] confidence, double scale) {
        boolean perturbation() {
            return scale > 0;
        }
    }

    private List<Band> bands() {
        List<Band> bands = new ArrayList<>();
        SavedExamples.Images clean = examples.clean();
        float[] x = clean.floats();
        bands.add(new Band(new String[] {"clean"}, x, clean.predicted(), clean.confidence(), 0));
        for (SavedExamples.AttackImages row : rows) {
            float[] adv = row.images().floats();
            String eps = "\u03b5 = " + Epsilons.format(row.epsilon());
            bands.add(new Band(new String[] {row.attack(), eps}, adv, row.images().predicted(), row.images().confidence(), 0));
            float[] delta = new float[samples * examples.rows() * examples.cols()];
            double max = 0;
            for (int i = 0; i < delta.length; i++) {
                delta[i] = adv[i] - x[i];
                max = Math.max(max, Math.abs(delta[i]));
            }
            String scale = "\u00b1" + new BigDecimal(max).round(new MathContext(2)).stripTrailingZeros().toPlainString();
            bands.add(new Band(new String[] {"\u03b4", scale}, delta, null, null, max > 0 ? max : 1));
        }
        return bands;
    }

    private double lineHeight(Font font) {
        return font.getSize2D() * 1.25;
    }

    private double labelWidth(Graphics2D g) {
        FontMetrics fm = g.getFontMetrics(style.smallFont());
        double widest = fm.stringWidth("true");
        for (Band b : bands()) {
            for (String line : b.label()) {
                widest = Math.max(widest, fm.getStringBounds(line, g).getWidth());
            }
        }
        return widest + 4;
    }

    /** The height in points that keeps images square at this width. */
    public double height(double widthPt) {
        Graphics2D g = new BufferedImage(1, 1, BufferedImage.TYPE_INT_RGB).createGraphics();
        try {
            return layout(g, widthPt).height;
        } finally {
            g.dispose();
        }
    }

    private record Layout(double label, double cell, double image, double header, double caption, double title, double height) {}

    private Layout layout(Graphics2D g, double width) {
        double label = Math.min(labelWidth(g), width * 0.35);
        double cell = (width - 2 * PAD - label) / samples;
        double image = cell * 0.9;
        double caption = lineHeight(captionFont(cell));
        double header = lineHeight(style.smallFont());
        double title = style.hasTitle() ? lineHeight(style.titleFont()) + 2 : 0;
        double height = 2 * PAD + title + header;
        for (Band b : bands()) {
            height += image + (b.perturbation() ? 0 : caption) + cell - image;
        }
        return new Layout(label, cell, image, header, caption, title, height);
    }

    /** Captions shrink until "7 100%" fits under an image. */
    private Font captionFont(double cell) {
        Font f = style.smallFont();
        Graphics2D g = new BufferedImage(1, 1, BufferedImage.TYPE_INT_RGB).createGraphics();
        try {
            while (f.getSize2D() > 3 && g.getFontMetrics(f).getStringBounds("8 100%", g).getWidth() > cell * 0.9) {
                f = f.deriveFont(f.getSize2D() - 0.25f);
            }
        } finally {
            g.dispose();
        }
        return f;
    }

    @Override
    public void draw(Graphics2D g, double width, double height) {
        Layout l = layout(g, width);
        Font caption = captionFont(l.cell());
        g.setPaint(Color.WHITE);
        g.fill(new Rectangle2D.Double(0, 0, width, height));
        double y = PAD;
        if (style.hasTitle()) {
            g.setFont(style.titleFont());
            g.setPaint(FigureStyle.TEXT);
            text(g, style.title(), width / 2, y + style.titleFont().getSize2D(), true);
            y += l.title();
        }
        double x0 = PAD + l.label();
        g.setFont(style.smallFont());
        g.setPaint(FigureStyle.TEXT);
        text(g, "true", PAD, y + style.smallFont().getSize2D(), false);
        for (int i = 0; i < samples; i++) {
            text(g, Integer.toString(examples.labels()[i]), x0 + i * l.cell() + l.image() / 2, y + style.smallFont().getSize2D(), true);
        }
        y += l.header();
        int pixels = examples.rows() * examples.cols();
        for (Band b : bands()) {
            g.setFont(style.smallFont());
            g.setPaint(FigureStyle.TEXT);
            double labelY = y + l.image() / 2 - (b.label().length - 1) * lineHeight(style.smallFont()) / 2 + style.smallFont().getSize2D() / 3;
            for (int k = 0; k < b.label().length; k++) {
                text(g, b.label()[k], PAD, labelY + k * lineHeight(style.smallFont()), false);
            }
            for (int i = 0; i < samples; i++) {
                double x = x0 + i * l.cell();
                BufferedImage img = b.perturbation() ? diverging(b.pixels(), i * pixels, b.scale()) : grey(b.pixels(), i * pixels);
                drawImage(g, img, x, y, l.image());
                if (!b.perturbation()) {
                    boolean wrong = b.predicted()[i] != examples.labels()[i];
                    if (wrong) {
                        g.setPaint(FigureStyle.WRONG);
                        g.setStroke(new BasicStroke(1.2f));
                        g.draw(new Rectangle2D.Double(x - 0.6, y - 0.6, l.image() + 1.2, l.image() + 1.2));
                    }
                    g.setFont(wrong ? caption.deriveFont(Font.BOLD) : caption);
                    g.setPaint(wrong ? FigureStyle.WRONG : FigureStyle.TEXT);
                    String text = b.predicted()[i] + " " + Math.round(100 * b.confidence()[i]) + "%";
                    text(g, text, x + l.image() / 2, y + l.image() + caption.getSize2D() * 1.05, true);
                }
            }
            y += l.image() + (b.perturbation() ? 0 : l.caption()) + l.cell() - l.image();
        }
    }

    private static void text(Graphics2D g, String s, double x, double baseline, boolean centred) {
        double w = centred ? g.getFontMetrics().getStringBounds(s, g).getWidth() : 0;
        g.drawString(s, (float) (x - w / 2), (float) baseline);
    }

    private static void drawImage(Graphics2D g, BufferedImage img, double x, double y, double size) {
        Object hint = g.getRenderingHint(RenderingHints.KEY_INTERPOLATION);
        g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_NEAREST_NEIGHBOR);
        AffineTransform at = new AffineTransform(size / img.getWidth(), 0, 0, size / img.getHeight(), x, y);
        g.drawImage(img, at, null);
        if (hint != null) {
            g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, hint);
        }
    }

    private BufferedImage grey(float[] pixels, int offset) {
        return bitmap(pixels, offset, v -> {
            int c = (int) Math.round(255 * Math.min(1.0, Math.max(0.0, v)));
            return (c << 16) | (c << 8) | c;
        });
    }

    private BufferedImage diverging(float[] delta, int offset, double scale) {
        return bitmap(delta, offset, v -> diverging(v / scale));
    }

    /**
     * ColorBrewer RdBu (colour-blind safe): -1 dark blue, 0 white, +1 dark red, piecewise linear
     * through its light tints so that small perturbations stay visible.
     */
    static int diverging(double t) {
        return FigureStyle.ramp(new int[] {0x2166AC, 0x67A9CF, 0xFFFFFF, 0xEF8A62, 0xB2182B}, (t + 1) / 2);
    }

    private interface ColourMap {
        int rgb(double value);
    }

    private BufferedImage bitmap(float[] values, int offset, ColourMap map) {
        int rows = examples.rows();
        int cols = examples.cols();
        BufferedImage img = new BufferedImage(cols * UPSCALE, rows * UPSCALE, BufferedImage.TYPE_INT_RGB);
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < cols; c++) {
                int rgb = map.rgb(values[offset + r * cols + c]);
                for (int dy = 0; dy < UPSCALE; dy++) {
                    for (int dx = 0; dx < UPSCALE; dx++) {
                        img.setRGB(c * UPSCALE + dx, r * UPSCALE + dy, rgb);
                    }
                }
            }
        }
        return img;
    }
}
