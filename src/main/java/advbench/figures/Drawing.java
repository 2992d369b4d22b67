package advbench.figures;

import java.awt.Graphics2D;

/**
 * A figure that can draw itself onto any Graphics2D, in points (1/72 inch): the same code then
 * makes the PNG (scaled to the requested dpi), the SVG and the PDF, which therefore look alike.
 */
@FunctionalInterface
public interface Drawing {
    void draw(Graphics2D g, double widthPt, double heightPt);
}
