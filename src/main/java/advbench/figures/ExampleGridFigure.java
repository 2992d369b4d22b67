package advbench.figures;

import advbench.data.DataShape;
import advbench.report.Epsilons;
import advbench.report.SavedExamples;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.geom.AffineTransform;
import java.awt.geom.Rectangle2D;
import java.awt.image.BufferedImage;
import java.math.BigDecimal;
import java.math.MathContext;
import java.util.ArrayList;
import java.util.List;

/**
 * The adversarial example grid as a paper figure. Columns are test samples (their true class on
 * top); the first row shows the clean images, then each chosen attack and epsilon has two rows:
 * the adversarial images and the perturbation x_adv - x scaled to the row's largest |delta|,
 * printed beside it (see {@link Bitmaps}). Under every image: the predicted class and its softmax
 * confidence, in vermillion with a frame when wrong. Grey and colour images alike.
 *
 * <p>Classes are named where the data set names them and the names fit under an image; otherwise
 * they are numbered and a key under the grid names them. The width is the requested one; the
 * height follows from the rows, so that images keep their proportions.
 */
public final class ExampleGridFigure implements Drawing {
    private static final double PAD = 2;
    /** The smallest caption font, in points, before names give way to numbers. */
    private static final double SMALLEST_NAME_FONT = 4.5;

    private final SavedExamples.ModelExamples examples;
    private final List<SavedExamples.AttackImages> rows;
    private final DataShape shape;
    private final int samples;
    private final FigureStyle style;

    /**
     * @param rows the attacks and epsilons to show, in order
     * @param shape the data's shape, for its class names
     * @param samples how many samples (columns), at most those saved
     */
    public ExampleGridFigure(SavedExamples.ModelExamples examples, List<SavedExamples.AttackImages> rows, DataShape shape,
                             int samples, FigureStyle style) {
        this.examples = examples;
        this.rows = List.copyOf(rows);
        this.shape = shape;
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
            float[] delta = new float[samples * examples.pixelsPerImage()];
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

    private static double lineHeight(Font font) {
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

    /** The height in points that keeps images in proportion at this width. */
    public double height(double widthPt) {
        Graphics2D g = new BufferedImage(1, 1, BufferedImage.TYPE_INT_RGB).createGraphics();
        try {
            return layout(g, widthPt).height;
        } finally {
            g.dispose();
        }
    }

    /**
     * Sizes in points: an image is {@code image} wide and {@code imageHeight} high (its own
     * proportions); {@code key} holds the lines naming numbered classes (empty when names are drawn).
     */
    private record Layout(double label, double cell, double image, double imageHeight, double header, double caption, double title,
                          Font captions, boolean names, List<String> key, double height) {}

    private Layout layout(Graphics2D g, double width) {
        double label = Math.min(labelWidth(g), width * 0.35);
        double cell = (width - 2 * PAD - label) / samples;
        double image = cell * 0.9;
        double imageHeight = image * examples.rows() / examples.cols();
        boolean names = shape.hasClassNames() && fits(g, widestName(), cell, SMALLEST_NAME_FONT);
        Font captions = captionFont(g, names ? widestName() : Integer.toString(shape.classes() - 1), cell);
        double header = lineHeight(names ? captions : style.smallFont());
        double title = style.hasTitle() ? lineHeight(style.titleFont()) + 2 : 0;
        List<String> key = shape.hasClassNames() && !names ? key(g, width - 2 * PAD) : List.of();
        double height = 2 * PAD + title + header + key.size() * lineHeight(style.smallFont());
        for (Band b : bands()) {
            height += imageHeight + (b.perturbation() ? 0 : lineHeight(captions)) + cell - image;
        }
        return new Layout(label, cell, image, imageHeight, header, lineHeight(captions), title, captions, names, key, height);
    }

    private String widestName() {
        String widest = "";
        for (int c = 0; c < shape.classes(); c++) {
            widest = shape.className(c).length() > widest.length() ? shape.className(c) : widest;
        }
        return widest;
    }

    /** Whether "NAME 100%" fits under an image at the given font size. */
    private boolean fits(Graphics2D g, String name, double cell, double size) {
        Font f = style.smallFont().deriveFont((float) size);
        return g.getFontMetrics(f).getStringBounds(name + " 100%", g).getWidth() <= cell * 0.95;
    }

    /** Captions shrink until "NAME 100%" fits under an image. */
    private Font captionFont(Graphics2D g, String widest, double cell) {
        Font f = style.smallFont();
        while (f.getSize2D() > 3 && !fits(g, widest, cell, f.getSize2D())) {
            f = f.deriveFont(f.getSize2D() - 0.25f);
        }
        return f;
    }

    /** "0 T-shirt/top, 1 Trouser, ..." wrapped to the width. */
    private List<String> key(Graphics2D g, double width) {
        FontMetrics fm = g.getFontMetrics(style.smallFont());
        List<String> lines = new ArrayList<>();
        StringBuilder line = new StringBuilder();
        for (int c = 0; c < shape.classes(); c++) {
            String entry = c + " " + shape.className(c) + (c < shape.classes() - 1 ? ", " : "");
            if (line.length() > 0 && fm.getStringBounds(line + entry, g).getWidth() > width) {
                lines.add(line.toString().strip());
                line.setLength(0);
            }
            line.append(entry);
        }
        lines.add(line.toString().strip());
        return lines;
    }

    private String className(Layout l, int c) {
        return l.names() ? shape.className(c) : Integer.toString(c);
    }

    @Override
    public void draw(Graphics2D g, double width, double height) {
        Layout l = layout(g, width);
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
        g.setFont(l.names() ? l.captions() : style.smallFont());
        for (int i = 0; i < samples; i++) {
            text(g, className(l, examples.labels()[i]), x0 + i * l.cell() + l.image() / 2, y + g.getFont().getSize2D(), true);
        }
        y += l.header();
        int pixels = examples.pixelsPerImage();
        int channels = examples.channelCount();
        for (Band b : bands()) {
            g.setFont(style.smallFont());
            g.setPaint(FigureStyle.TEXT);
            double labelY = y + l.imageHeight() / 2 - (b.label().length - 1) * lineHeight(style.smallFont()) / 2 + style.smallFont().getSize2D() / 3;
            for (int k = 0; k < b.label().length; k++) {
                text(g, b.label()[k], PAD, labelY + k * lineHeight(style.smallFont()), false);
            }
            for (int i = 0; i < samples; i++) {
                double x = x0 + i * l.cell();
                BufferedImage img = b.perturbation()
                        ? Bitmaps.perturbation(b.pixels(), i * pixels, channels, examples.rows(), examples.cols(), b.scale())
                        : Bitmaps.image(b.pixels(), i * pixels, channels, examples.rows(), examples.cols());
                drawImage(g, img, x, y, l.image(), l.imageHeight());
                if (!b.perturbation()) {
                    caption(g, l, b.predicted()[i], b.confidence()[i], b.predicted()[i] != examples.labels()[i], x, y);
                }
            }
            y += l.imageHeight() + (b.perturbation() ? 0 : l.caption()) + l.cell() - l.image();
        }
        g.setFont(style.smallFont());
        g.setPaint(FigureStyle.TEXT);
        for (String line : l.key()) {
            y += lineHeight(style.smallFont());
            text(g, line, PAD, y - style.smallFont().getSize2D() * 0.25, false);
        }
    }

    /** "7 98%" under an image, framed and in vermillion when the prediction is wrong. */
    private void caption(Graphics2D g, Layout l, int predicted, float confidence, boolean wrong, double x, double y) {
        if (wrong) {
            g.setPaint(FigureStyle.WRONG);
            g.setStroke(new BasicStroke(1.2f));
            g.draw(new Rectangle2D.Double(x - 0.6, y - 0.6, l.image() + 1.2, l.imageHeight() + 1.2));
        }
        g.setFont(wrong ? l.captions().deriveFont(Font.BOLD) : l.captions());
        g.setPaint(wrong ? FigureStyle.WRONG : FigureStyle.TEXT);
        String text = className(l, predicted) + " " + Math.round(100 * confidence) + "%";
        text(g, text, x + l.image() / 2, y + l.imageHeight() + l.captions().getSize2D() * 1.05, true);
    }

    private static void text(Graphics2D g, String s, double x, double baseline, boolean centred) {
        double w = centred ? g.getFontMetrics().getStringBounds(s, g).getWidth() : 0;
        g.drawString(s, (float) (x - w / 2), (float) baseline);
    }

    private static void drawImage(Graphics2D g, BufferedImage img, double x, double y, double width, double height) {
        Object hint = g.getRenderingHint(RenderingHints.KEY_INTERPOLATION);
        g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_NEAREST_NEIGHBOR);
        AffineTransform at = new AffineTransform(width / img.getWidth(), 0, 0, height / img.getHeight(), x, y);
        g.drawImage(img, at, null);
        if (hint != null) {
            g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, hint);
        }
    }
}
