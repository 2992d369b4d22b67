package advbench.figures;

import java.awt.image.BufferedImage;

/**
 * One image of a figure as a bitmap, enlarged so that every pixel stays crisp where a viewer
 * smooths. Pixels come channel by channel (C x H x W), grey (C = 1) or colour (C = 3).
 */
final class Bitmaps {
    /** Pixels per image pixel in the embedded bitmaps. */
    static final int UPSCALE = 4;

    private Bitmaps() {}

    /** The image itself, its values in [0, 1] (clipped). */
    static BufferedImage image(float[] pixels, int offset, int channels, int rows, int cols) {
        int plane = rows * cols;
        return bitmap(rows, cols, k -> channels == 1 ? grey(pixels[offset + k])
                : rgb(pixels[offset + k], pixels[offset + plane + k], pixels[offset + 2 * plane + k]));
    }

    /**
     * A perturbation x' - x scaled by {@code scale} (its largest magnitude). Grey images use a
     * diverging map (blue below, white unchanged, red above); colour images show each channel's
     * change around mid-grey, as is usual for colour perturbations.
     */
    static BufferedImage perturbation(float[] delta, int offset, int channels, int rows, int cols, double scale) {
        int plane = rows * cols;
        if (channels == 1) {
            return bitmap(rows, cols, k -> diverging(delta[offset + k] / scale));
        }
        return bitmap(rows, cols, k -> rgb(mid(delta[offset + k], scale), mid(delta[offset + plane + k], scale),
                mid(delta[offset + 2 * plane + k], scale)));
    }

    /**
     * ColorBrewer RdBu (colour-blind safe): -1 dark blue, 0 white, +1 dark red, piecewise linear
     * through its light tints so that small perturbations stay visible.
     */
    static int diverging(double t) {
        return FigureStyle.ramp(new int[] {0x2166AC, 0x67A9CF, 0xFFFFFF, 0xEF8A62, 0xB2182B}, (t + 1) / 2);
    }

    private static double mid(float delta, double scale) {
        return 0.5 + 0.5 * delta / scale;
    }

    private static int grey(double v) {
        int c = level(v);
        return (c << 16) | (c << 8) | c;
    }

    private static int rgb(double r, double g, double b) {
        return (level(r) << 16) | (level(g) << 8) | level(b);
    }

    private static int level(double v) {
        return (int) Math.round(255 * Math.min(1.0, Math.max(0.0, v)));
    }

    private interface Colour {
        int rgb(int pixel);
    }

    private static BufferedImage bitmap(int rows, int cols, Colour colour) {
        BufferedImage img = new BufferedImage(cols * UPSCALE, rows * UPSCALE, BufferedImage.TYPE_INT_RGB);
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < cols; c++) {
                int rgb = colour.rgb(r * cols + c);
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
