package advbench.data;

import advbench.UserError;
import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPInputStream;

/**
 * Reads IDX files (the MNIST format), gzip-compressed or raw. Header: a big-endian magic number
 * (0x00000803 for 3-d unsigned-byte images, 0x00000801 for 1-d labels), then one big-endian int per
 * dimension, then the unsigned bytes. Every inconsistency is a {@link UserError} naming the file.
 */
public final class IdxReader {
    public static final int IMAGES_MAGIC = 0x00000803;
    public static final int LABELS_MAGIC = 0x00000801;
    /** Labels index the 10 outputs of every model here. */
    public static final int NUM_CLASSES = 10;

    private IdxReader() {}

    /** Images as floats in [0, 1]: byte value / 255. */
    public record Images(int count, int rows, int cols, float[] pixels) {}

    public static Images readImages(Path file) {
        ByteBuffer buf = ByteBuffer.wrap(readAll(file));
        header(buf, file, IMAGES_MAGIC, "images", 16);
        int count = dimension(buf, file, "image count");
        int rows = dimension(buf, file, "rows");
        int cols = dimension(buf, file, "columns");
        long expected = (long) count * rows * cols;
        checkLength(file, buf.remaining(), expected, "pixel");
        float[] pixels = new float[(int) expected];
        for (int i = 0; i < pixels.length; i++) {
            pixels[i] = (buf.get() & 0xFF) / 255f;
        }
        return new Images(count, rows, cols, pixels);
    }

    public static int[] readLabels(Path file) {
        ByteBuffer buf = ByteBuffer.wrap(readAll(file));
        header(buf, file, LABELS_MAGIC, "labels", 8);
        int count = dimension(buf, file, "label count");
        checkLength(file, buf.remaining(), count, "label");
        int[] labels = new int[count];
        for (int i = 0; i < count; i++) {
            labels[i] = buf.get() & 0xFF;
            if (labels[i] >= NUM_CLASSES) {
                throw bad(file, "label " + labels[i] + " at index " + i + " is outside 0-" + (NUM_CLASSES - 1));
            }
        }
        return labels;
    }

    /** Reads an image file and its label file and checks that they describe the same samples. */
    public static LabeledImages readPair(Path images, Path labels) {
        Images im = readImages(images);
        int[] lab = readLabels(labels);
        if (im.count() != lab.length) {
            throw new UserError(images.getFileName() + " has " + im.count() + " images but "
                    + labels.getFileName() + " has " + lab.length + " labels");
        }
        return new LabeledImages(im.pixels(), lab, im.rows(), im.cols());
    }

    /** Checks the magic number first: a label file given as images should say so, not "too short". */
    private static void header(ByteBuffer buf, Path file, int expectedMagic, String what, int headerBytes) {
        if (buf.remaining() >= 4) {
            int magic = buf.getInt(0);
            if (magic != expectedMagic) {
                throw bad(file, String.format("magic number 0x%08X is not 0x%08X (IDX unsigned-byte %s)", magic, expectedMagic, what));
            }
        }
        if (buf.remaining() < headerBytes) {
            throw bad(file, "only " + buf.remaining() + " bytes, shorter than the " + headerBytes + "-byte IDX header");
        }
        buf.getInt();
    }

    private static int dimension(ByteBuffer buf, Path file, String what) {
        int d = buf.getInt();
        if (d <= 0) {
            throw bad(file, what + " is " + d + " in the header; expected a positive number");
        }
        return d;
    }

    private static void checkLength(Path file, int actual, long expected, String what) {
        if (actual < expected) {
            throw bad(file, "truncated: the header promises " + expected + " " + what + " bytes but only " + actual + " follow");
        }
        if (actual > expected) {
            throw bad(file, (actual - expected) + " bytes of trailing data after the " + expected + " " + what + " bytes the header promises");
        }
    }

    private static byte[] readAll(Path file) {
        try (InputStream raw = new BufferedInputStream(Files.newInputStream(file))) {
            raw.mark(2);
            boolean gzip = raw.read() == 0x1f && raw.read() == 0x8b;
            raw.reset();
            InputStream in = gzip ? new GZIPInputStream(raw, 1 << 16) : raw;
            ByteArrayOutputStream out = new ByteArrayOutputStream(1 << 20);
            in.transferTo(out);
            return out.toByteArray();
        } catch (java.io.EOFException e) {
            throw bad(file, "truncated gzip stream");
        } catch (IOException e) {
            throw bad(file, "cannot be read: " + e.getMessage());
        }
    }

    private static UserError bad(Path file, String what) {
        return new UserError("IDX file " + file + ": " + what);
    }
}
