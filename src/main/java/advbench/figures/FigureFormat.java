package advbench.figures;

import advbench.UserError;
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
import org.apache.batik.svggen.SVGGeneratorContext;
import org.apache.batik.svggen.SVGGraphics2D;
import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.pdmodel.PDPage;
import org.apache.pdfbox.pdmodel.PDPageContentStream;
import org.apache.pdfbox.pdmodel.common.PDRectangle;
import org.w3c.dom.Document;
import org.w3c.dom.Element;

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
            if ((long) w * h > MAX_PNG_PIXELS) {
                throw new UserError(String.format(Locale.ROOT, "--dpi, --width, --height: a PNG of %,d x %,d pixels is more than %d"
                        + " megapixels; lower --dpi (a PDF or SVG is sharp at any size)", w, h, MAX_PNG_PIXELS / 1_000_000));
            }
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
            SVGGraphics2D g = new SVGGraphics2D(svgContext(), false);
            g.setRenderingHint(RenderingHints.KEY_FRACTIONALMETRICS, RenderingHints.VALUE_FRACTIONALMETRICS_ON);
            drawing.draw(g, widthPt, heightPt);
            Element root = g.getRoot();
            // sized in points with a viewBox in points: the drawing's units are the page's points
            // (without the viewBox, SVG user units are pixels and the figure would not fill its size)
            root.setAttributeNS(null, "width", number(widthPt) + "pt");
            root.setAttributeNS(null, "height", number(heightPt) + "pt");
            root.setAttributeNS(null, "viewBox", "0 0 " + number(widthPt) + " " + number(heightPt));
            java.io.StringWriter out = new java.io.StringWriter();
            try {
                g.stream(root, out, true, false);
            } catch (org.apache.batik.svggen.SVGGraphics2DIOException e) {
                throw new UncheckedIOException(new IOException(e.getMessage(), e));
            } finally {
                g.dispose();
            }
            // Batik heads the file with the SVG 1.0 DOCTYPE, which XML parsers then try to fetch from
            // the W3C: SVG needs none, so the file starts at its own declaration and root element
            String svg = out.toString();
            return ("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n" + svg.substring(svg.indexOf("<svg")) + "\n")
                    .getBytes(StandardCharsets.UTF_8);
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

    /**
     * Batik's generator on a plain JDK DOM document; the comment it would add and the fixed-point
     * precision are set so that equal drawings give equal files.
     */
    private static SVGGeneratorContext svgContext() {
        Document doc;
        try {
            doc = javax.xml.parsers.DocumentBuilderFactory.newInstance().newDocumentBuilder().getDOMImplementation()
                    .createDocument("http://www.w3.org/2000/svg", "svg", null);
        } catch (javax.xml.parsers.ParserConfigurationException e) {
            throw new IllegalStateException(e);
        }
        SVGGeneratorContext context = SVGGeneratorContext.createDefault(doc);
        context.setComment(null);
        context.setPrecision(4);
        context.setImageHandler(new PngDataUris());
        return context;
    }

    /**
     * Bitmaps (the grid's images) embedded in the SVG as base64 PNG: Batik's own handler looks for
     * its PNG codec (batik-codec, with a dozen more jars), so the JDK's ImageIO encodes them.
     */
    private static final class PngDataUris extends org.apache.batik.svggen.ImageHandlerBase64Encoder {
        @Override
        public void encodeImage(java.awt.image.RenderedImage image, java.io.OutputStream out)
                throws org.apache.batik.svggen.SVGGraphics2DIOException {
            try {
                ImageIO.write(image, "png", out);
            } catch (IOException e) {
                throw new org.apache.batik.svggen.SVGGraphics2DIOException(e);
            }
        }
    }

    private static String number(double v) {
        return new java.math.BigDecimal(v).setScale(3, java.math.RoundingMode.HALF_UP).stripTrailingZeros().toPlainString();
    }

    /** The largest PNG drawn: 50 megapixels (7,920 x 6,000 is one column at 2,400 dpi), 200 MB in memory. */
    static final long MAX_PNG_PIXELS = 50_000_000;

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
