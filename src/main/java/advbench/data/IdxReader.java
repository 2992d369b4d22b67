package advbench.data;

import advbench.UserError;
import java.io.BufferedInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.zip.GZIPInputStream;

/**
 * Reads IDX files (the MNIST format), gzip-compressed or raw. Header: a big-endian magic number
 * whose third byte is the type (0x08, unsigned byte) and whose fourth is the number of dimensions,
 * then one big-endian int per dimension, then the bytes. Images are N x H x W (grey) or
 * N x H x W x C with C = 1 or 3 (colour, channels last as image files store them); labels are N.
 *
 * <p>The file is streamed: only the bytes the header promises are read, so a file that inflates
 * to far more than its header declares is refused after one extra byte rather than read whole.
 * Every inconsistency is a {@link UserError} naming the file.
 */
public final class IdxReader {
    public static final int IMAGES_MAGIC = 0x00000803;
    public static final int COLOUR_IMAGES_MAGIC = 0x00000804;
    public static final int LABELS_MAGIC = 0x00000801;
    /** Arrays are indexed by int: a data set larger than this cannot be held. */
    static final long MAX_BYTES = Integer.MAX_VALUE - 8;

    private IdxReader() {}

    /** Images as floats in [0, 1] (byte value / 255), channel by channel per image. */
    public record Images(int count, int channels, int height, int width, float[] pixels) {}

    public static Images readImages(Path file) {
        try (InputStream in = open(file)) {
            int magic = magic(in, file, "images", 16);
            if (magic != IMAGES_MAGIC && magic != COLOUR_IMAGES_MAGIC) {
                throw bad(file, String.format("magic number 0x%08X is not 0x%08X or 0x%08X (IDX unsigned-byte images: "
                        + "N x H x W, or N x H x W x C for colour)", magic, IMAGES_MAGIC, COLOUR_IMAGES_MAGIC));
            }
            boolean colour = magic == COLOUR_IMAGES_MAGIC;
            ByteBuffer header = rest(in, file, colour ? 4 : 3);
            int count = dimension(header, file, "image count");
            int height = dimension(header, file, "rows");
            int width = dimension(header, file, "columns");
            int channels = colour ? dimension(header, file, "channels") : 1;
            if (channels != 1 && channels != 3) {
                throw bad(file, channels + " channels per pixel; expected 1 (grey) or 3 (colour)");
            }
            long perImage = (long) channels * height * width;
            long total = count * perImage;
            if (perImage > MAX_BYTES || total > MAX_BYTES) {
                throw bad(file, "the header declares " + count + " x " + height + " x " + width + " x " + channels
                        + " = " + total + " pixel bytes, more than one array can hold (2 GiB)");
            }
            checkDeclaredSize(file, colour ? 20 : 16, total, "pixel");
            checkFitsInMemory(file, total);
            float[] pixels = new float[(int) total];
            byte[] image = new byte[(int) perImage];
            for (int i = 0; i < count; i++) {
                int got = in.readNBytes(image, 0, image.length);
                if (got < image.length) {
                    throw truncated(file, total, i * perImage + got, "pixel");
                }
                toPlanar(image, pixels, i * (int) perImage, channels, height * width);
            }
            noTrailingData(in, file, total, "pixel");
            return new Images(count, channels, height, width, pixels);
        } catch (EOFException e) {
            throw bad(file, "truncated gzip stream");
        } catch (IOException e) {
            throw bad(file, "cannot be read: " + advbench.Errors.reason(e));
        }
    }

    public static int[] readLabels(Path file) {
        try (InputStream in = open(file)) {
            int magic = magic(in, file, "labels", 8);
            if (magic != LABELS_MAGIC) {
                throw bad(file, String.format("magic number 0x%08X is not 0x%08X (IDX unsigned-byte labels)", magic, LABELS_MAGIC));
            }
            int count = dimension(rest(in, file, 1), file, "label count");
            checkDeclaredSize(file, 8, count, "label");
            byte[] bytes = in.readNBytes(count);
            if (bytes.length < count) {
                throw truncated(file, count, bytes.length, "label");
            }
            noTrailingData(in, file, count, "label");
            int[] labels = new int[count];
            for (int i = 0; i < count; i++) {
                labels[i] = bytes[i] & 0xFF;
            }
            return labels;
        } catch (EOFException e) {
            throw bad(file, "truncated gzip stream");
        } catch (IOException e) {
            throw bad(file, "cannot be read: " + advbench.Errors.reason(e));
        }
    }

    /** An image file's images with the labels of its label file. */
    public record Samples(Images images, int[] labels) {}

    /** Reads an image file and its label file and checks that they describe the same samples. */
    public static Samples readPair(Path images, Path labels) {
        Images im = readImages(images);
        int[] lab = readLabels(labels);
        if (im.count() != lab.length) {
            throw new UserError(images.getFileName() + " has " + im.count() + " images but "
                    + labels.getFileName() + " has " + lab.length + " labels");
        }
        return new Samples(im, lab);
    }

    /** Deflate never packs more than 1032 bytes into one: a larger claim is not what the file holds. */
    static final long MAX_DEFLATE_RATIO = 1032;

    /**
     * Checks a header's promise against the file before anything is allocated for it: a raw file
     * must be exactly as long as its header says; a gzip file cannot inflate to more than deflate's
     * largest ratio allows. (Reading then stops at the promised length, whatever the file holds.)
     */
    private static void checkDeclaredSize(Path file, int header, long payload, String what) throws IOException {
        long size = Files.size(file);
        if (!isGzip(file)) {
            if (size < header + payload) {
                throw truncated(file, payload, Math.max(0, size - header), what);
            }
            if (size > header + payload) {
                throw bad(file, "trailing data after the " + payload + " " + what + " bytes the header promises");
            }
        } else if (header + payload > MAX_DEFLATE_RATIO * size + 1024) {
            throw bad(file, "the header promises " + payload + " " + what + " bytes, more than a gzip file of " + size
                    + " bytes can hold (" + MAX_DEFLATE_RATIO + " to 1 at most): truncated, or not what its header says");
        }
    }

    /** The images as floats must fit comfortably in the Java heap: say so rather than run out of memory. */
    private static void checkFitsInMemory(Path file, long pixels) {
        long bytes = 4 * pixels;
        long heap = Runtime.getRuntime().maxMemory();
        if (bytes > heap / 2) {
            throw bad(file, String.format(Locale.ROOT, "%,d pixels take %.1f GiB as floats, more than half the Java heap (%.1f GiB);"
                    + " give the JVM more memory (BENCH_JVM_OPTS=-Xmx...)", pixels, bytes / 1073741824.0, heap / 1073741824.0));
        }
    }

    /** Channels-last bytes of one image (H x W x C) to channel-by-channel floats (C x H x W). */
    private static void toPlanar(byte[] image, float[] out, int offset, int channels, int plane) {
        if (channels == 1) {
            for (int k = 0; k < plane; k++) {
                out[offset + k] = (image[k] & 0xFF) / 255f;
            }
            return;
        }
        for (int k = 0; k < plane; k++) {
            for (int c = 0; c < channels; c++) {
                out[offset + c * plane + k] = (image[k * channels + c] & 0xFF) / 255f;
            }
        }
    }

    /** The magic number; a label file given as images should say so, not "too short". */
    private static int magic(InputStream in, Path file, String what, int headerBytes) throws IOException {
        byte[] magic = in.readNBytes(4);
        if (magic.length < 4) {
            throw bad(file, "only " + magic.length + " bytes, shorter than the " + headerBytes + "-byte IDX header");
        }
        return ByteBuffer.wrap(magic).getInt();
    }

    private static ByteBuffer rest(InputStream in, Path file, int dimensions) throws IOException {
        byte[] dims = in.readNBytes(4 * dimensions);
        if (dims.length < 4 * dimensions) {
            throw bad(file, "only " + (4 + dims.length) + " bytes, shorter than the " + (4 + 4 * dimensions) + "-byte IDX header");
        }
        return ByteBuffer.wrap(dims);
    }

    private static int dimension(ByteBuffer buf, Path file, String what) {
        int d = buf.getInt();
        if (d <= 0) {
            throw bad(file, what + " is " + d + " in the header; expected a positive number");
        }
        return d;
    }

    private static void noTrailingData(InputStream in, Path file, long expected, String what) throws IOException {
        if (in.read() != -1) {
            throw bad(file, "trailing data after the " + expected + " " + what + " bytes the header promises");
        }
    }

    private static UserError truncated(Path file, long expected, long actual, String what) {
        return bad(file, "truncated: the header promises " + expected + " " + what + " bytes but only " + actual + " follow");
    }

    private static InputStream open(Path file) throws IOException {
        InputStream raw = new BufferedInputStream(Files.newInputStream(file), 1 << 16);
        return isGzip(file) ? new GZIPInputStream(raw, 1 << 16) : raw;
    }

    private static boolean isGzip(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            return in.read() == 0x1f && in.read() == 0x8b;
        }
    }

    private static UserError bad(Path file, String what) {
        return new UserError("IDX file " + file + ": " + what);
    }
}
