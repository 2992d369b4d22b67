package advbench.report;

import advbench.data.LabeledImages;
import advbench.eval.Examples;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.util.Locale;
import javax.imageio.ImageIO;

/**
 * The adversarial example grid: one row per attack and epsilon, one column per test sample,
 * each image enlarged with a "true -> predicted" caption; wrong predictions are framed in red.
 */
public final class ExampleGrid {
    static final int SCALE = 3;
    static final int CAPTION = 18;
    static final int GAP = 6;
    static final int LABEL_WIDTH = 150;
    static final Color WRONG = new Color(0xD55E00);

    private ExampleGrid() {}

    public static BufferedImage render(Examples examples) {
        LabeledImages s = examples.samples();
        int cellW = s.cols() * SCALE;
        int cellH = s.rows() * SCALE;
        int n = s.count();
        int width = LABEL_WIDTH + n * (cellW + GAP) + GAP;
        int height = GAP + examples.rows().size() * (cellH + CAPTION + GAP);
        BufferedImage img = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, width, height);
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 13));
        int y = GAP;
        for (Examples.Row row : examples.rows()) {
            g.setColor(Color.BLACK);
            g.drawString(row.attack(), 8, y + cellH / 2 - 2);
            g.drawString(String.format(Locale.ROOT, "eps = %.3f", row.epsilon()), 8, y + cellH / 2 + 14);
            for (int i = 0; i < n; i++) {
                int x = LABEL_WIDTH + i * (cellW + GAP);
                drawImage(img, row.pixels(), i * s.pixelsPerImage(), s.rows(), s.cols(), x, y);
                boolean wrong = row.predicted()[i] != s.labels()[i];
                g.setColor(wrong ? WRONG : Color.DARK_GRAY);
                if (wrong) {
                    g.setStroke(new BasicStroke(3f));
                    g.drawRect(x - 2, y - 2, cellW + 3, cellH + 3);
                }
                g.drawString(s.labels()[i] + " -> " + row.predicted()[i], x + 4, y + cellH + CAPTION - 4);
            }
            y += cellH + CAPTION + GAP;
        }
        g.dispose();
        return img;
    }

    public static void write(RunFolder folder, String name, Examples examples) {
        BufferedImage img = render(examples);
        folder.write(name, out -> ImageIO.write(img, "png", out));
    }

    private static void drawImage(BufferedImage img, float[] pixels, int offset, int rows, int cols, int x0, int y0) {
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < cols; c++) {
                int v = Math.round(255 * Math.min(1f, Math.max(0f, pixels[offset + r * cols + c])));
                int rgb = (v << 16) | (v << 8) | v;
                for (int dy = 0; dy < SCALE; dy++) {
                    for (int dx = 0; dx < SCALE; dx++) {
                        img.setRGB(x0 + c * SCALE + dx, y0 + r * SCALE + dy, rgb);
                    }
                }
            }
        }
    }
}
