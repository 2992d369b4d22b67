package advbench.figures;

import de.rototor.pdfbox.graphics2d.PdfBoxGraphics2D;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import javax.imageio.ImageIO;
import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.pdmodel.PDPage;
import org.apache.pdfbox.pdmodel.PDPageContentStream;
import org.apache.pdfbox.pdmodel.common.PDRectangle;
import org.jfree.svg.SVGGraphics2D;
import org.jfree.svg.SVGUnits;
import org.jfree.svg.ViewBox;

/**
 * The three file formats of a figure. A {@link Drawing} is laid out in points; PNG scales it to
 * the requested dpi, SVG and PDF keep it as vectors with the page size in points, so a font of
 * 8 pt is 8 pt in the paper whichever format is used.
 */
public enum FigureFormat {
    PNG {
        @Override
        public byte[] render(Drawing drawing, double widthPt, double heightPt, int dpi) {
            int w = pixels(widthPt, dpi);
            int h = pixels(heightPt, dpi);
            BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
            Graphics2D g = img.createGraphics();
            try {
                g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
                g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
                g.setRenderingHint(RenderingHints.KEY_STROKE_CONTROL, RenderingHints.VALUE_STROKE_PURE);
                g.setRenderingHint(RenderingHints.KEY_FRACTIONALMETRICS, RenderingHints.VALUE_FRACTIONALMETRICS_ON);
                g.setColor(Color.WHITE);
                g.fillRect(0, 0, w, h);
                g.scale((double) w / widthPt, (double) h / heightPt);
                drawing.draw(g, widthPt, heightPt);
            } finally {
                g.dispose();
            }
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            try {
                ImageIO.write(img, "png", out);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            return out.toByteArray();
        }
    },
    SVG {
        @Override
        public byte[] render(Drawing drawing, double widthPt, double heightPt, int dpi) {
            SVGGraphics2D g = new SVGGraphics2D(widthPt, heightPt, SVGUnits.PT);
            g.setRenderingHint(RenderingHints.KEY_FRACTIONALMETRICS, RenderingHints.VALUE_FRACTIONALMETRICS_ON);
            drawing.draw(g, widthPt, heightPt);
            // a viewBox in points makes the drawing's units the page's points (without it, SVG user
            // units are pixels and the figure would fill only three quarters of its declared size)
            String svg = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
                    + g.getSVGElement(null, true, new ViewBox(0, 0, widthPt, heightPt), null, null) + "\n";
            return svg.getBytes(StandardCharsets.UTF_8);
        }
    },
    PDF {
        @Override
        public byte[] render(Drawing drawing, double widthPt, double heightPt, int dpi) {
            try (PDDocument doc = new PDDocument()) {
                PDRectangle box = new PDRectangle((float) widthPt, (float) heightPt);
                PDPage page = new PDPage(box);
                doc.addPage(page);
                // no font registered: the bridge draws text as outlines (no font files, no font lookup)
                PdfBoxGraphics2D g = new PdfBoxGraphics2D(doc, box);
                try {
                    drawing.draw(g, widthPt, heightPt);
                } finally {
                    g.dispose();
                }
                try (PDPageContentStream content = new PDPageContentStream(doc, page)) {
                    content.drawForm(g.getXFormObject());
                }
                ByteArrayOutputStream out = new ByteArrayOutputStream();
                doc.save(out);
                return out.toByteArray();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    };

    /** The figure in this format; dpi matters only for PNG. */
    public abstract byte[] render(Drawing drawing, double widthPt, double heightPt, int dpi);

    public String extension() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Pixels of a PNG of this many points at this dpi. */
    public static int pixels(double points, int dpi) {
        return (int) Math.round(points / Length.POINTS_PER_INCH * dpi);
    }

    /** png, svg or pdf, in any case; null when unknown. */
    public static FigureFormat byName(String name) {
        for (FigureFormat f : values()) {
            if (f.extension().equalsIgnoreCase(name.strip())) {
                return f;
            }
        }
        return null;
    }
}
