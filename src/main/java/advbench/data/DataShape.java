package advbench.data;

import java.util.List;

/**
 * What every stage needs to know about a data set's samples, read from the data rather than
 * assumed: channels (1 grey, 3 colour), height and width of an image, the number of classes, and
 * their names where the data set has them (Fashion-MNIST's "T-shirt/top", ...). Pixels are held
 * channel by channel (NCHW), as the models take them.
 *
 * @param classNames one per class, or null when the classes are only numbered (MNIST's digits)
 */
public record DataShape(int channels, int height, int width, int classes, List<String> classNames) {

    public DataShape {
        if (channels != 1 && channels != 3) {
            throw new IllegalArgumentException("images have 1 (grey) or 3 (colour) channels, got " + channels);
        }
        if (height < 1 || width < 1 || classes < 1) {
            throw new IllegalArgumentException("a data shape needs positive sizes, got " + channels + "x" + height + "x" + width
                    + " and " + classes + " classes");
        }
        if (classNames != null) {
            classNames = List.copyOf(classNames);
            if (classNames.size() != classes) {
                throw new IllegalArgumentException(classNames.size() + " class names for " + classes + " classes");
            }
        }
    }

    /** Values per image: channels x height x width. */
    public int pixelsPerImage() {
        return channels * height * width;
    }

    /** The name of class {@code c}, or its number when the data set names none. */
    public String className(int c) {
        return classNames != null && c >= 0 && c < classes ? classNames.get(c) : Integer.toString(c);
    }

    public boolean hasClassNames() {
        return classNames != null;
    }

    /** The largest L2 distance between two images in [0, 1]: the upper end of an L2 budget. */
    public double maxL2() {
        return Math.sqrt(pixelsPerImage());
    }

    /** "3x32x32", "1x28x28": channels x height x width, as logs and errors print it. */
    public String describeImage() {
        return channels + "x" + height + "x" + width;
    }
}
