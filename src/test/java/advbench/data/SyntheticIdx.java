package advbench.data;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import java.util.zip.GZIPOutputStream;

/**
 * Small IDX data sets that tests write themselves: grey (N x H x W) or colour (N x H x W x 3),
 * gzip-compressed as the published files are. The classes are learnable: each class has its own
 * colour and a bright square in its own corner, under noise.
 */
public final class SyntheticIdx {
    private SyntheticIdx() {}

    /** Writes train and test image and label files into {@code dir}; returns their paths. */
    public static IdxFiles write(Path dir, int channels, int height, int width, int classes, int train, int test, long seed)
            throws IOException {
        Files.createDirectories(dir);
        Random random = new Random(seed);
        IdxFiles files = new IdxFiles(dir.resolve("train-images.gz"), dir.resolve("train-labels.gz"),
                dir.resolve("test-images.gz"), dir.resolve("test-labels.gz"));
        writeSplit(files.trainImages(), files.trainLabels(), channels, height, width, classes, train, random);
        writeSplit(files.testImages(), files.testLabels(), channels, height, width, classes, test, random);
        return files;
    }

    private static void writeSplit(Path images, Path labels, int channels, int height, int width, int classes, int n, Random random)
            throws IOException {
        ByteBuffer im = ByteBuffer.allocate((channels == 1 ? 16 : 20) + n * height * width * channels);
        im.putInt(channels == 1 ? IdxReader.IMAGES_MAGIC : IdxReader.COLOUR_IMAGES_MAGIC).putInt(n).putInt(height).putInt(width);
        if (channels != 1) {
            im.putInt(channels);
        }
        ByteBuffer lab = ByteBuffer.allocate(8 + n);
        lab.putInt(IdxReader.LABELS_MAGIC).putInt(n);
        for (int i = 0; i < n; i++) {
            int c = i % classes;
            lab.put((byte) c);
            for (int y = 0; y < height; y++) {
                for (int x = 0; x < width; x++) {
                    for (int ch = 0; ch < channels; ch++) {
                        im.put(pixel(c, channels, ch, y, x, height, width, random));
                    }
                }
            }
        }
        gzip(images, im.array());
        gzip(labels, lab.array());
    }

    /**
     * One pixel of class {@code c}: the class's colour (its channel bright), and a bright square in
     * the class's quarter of the image, under noise drawn from {@code random}.
     */
    static byte pixel(int c, int channels, int ch, int y, int x, int height, int width, Random random) {
        boolean square = (c % 2 == 0 ? x < width / 2 : x >= width / 2) && (c / 2 % 2 == 0 ? y < height / 2 : y >= height / 2);
        double tint = channels == 1 ? 0.5 : (ch == c % channels ? 0.7 : 0.2);
        double v = (square ? 0.8 : 0.1) * tint + 0.15 * random.nextDouble();
        return (byte) Math.round(255 * Math.min(1, v));
    }

    private static void gzip(Path file, byte[] bytes) throws IOException {
        Files.write(file, gzip(bytes));
    }

    /** An image file's bytes: the header with {@code magic}, then {@code pixelBytes} bytes (i * 37), whatever the header says. */
    public static byte[] images(int magic, int count, int rows, int cols, int pixelBytes) {
        ByteBuffer b = ByteBuffer.allocate(16 + pixelBytes);
        b.putInt(magic).putInt(count).putInt(rows).putInt(cols);
        for (int i = 0; i < pixelBytes; i++) {
            b.put((byte) (i * 37));
        }
        return b.array();
    }

    /** A label file's bytes: the header with {@code magic} and {@code count}, then the values given. */
    public static byte[] labels(int magic, int count, int... values) {
        ByteBuffer b = ByteBuffer.allocate(8 + values.length);
        b.putInt(magic).putInt(count);
        for (int v : values) {
            b.put((byte) v);
        }
        return b.array();
    }

    public static byte[] gzip(byte[] raw) throws IOException {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        try (OutputStream gz = new GZIPOutputStream(out)) {
            gz.write(raw);
        }
        return out.toByteArray();
    }
}
