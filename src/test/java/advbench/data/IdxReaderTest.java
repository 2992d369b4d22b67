package advbench.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import advbench.UserError;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class IdxReaderTest {
    @TempDir
    Path dir;

    static byte[] images(int magic, int count, int rows, int cols, int pixelBytes) {
        return SyntheticIdx.images(magic, count, rows, cols, pixelBytes);
    }

    static byte[] labels(int magic, int count, int... values) {
        return SyntheticIdx.labels(magic, count, values);
    }

    static byte[] gzip(byte[] raw) throws IOException {
        return SyntheticIdx.gzip(raw);
    }

    Path write(String name, byte[] bytes) throws IOException {
        return Files.write(dir.resolve(name), bytes);
    }

    @Test
    void readsRawAndGzipImagesAsFloatsInUnitRange() throws IOException {
        byte[] raw = images(IdxReader.IMAGES_MAGIC, 2, 3, 2, 12);
        for (Path p : new Path[] {write("im", raw), write("im.gz", gzip(raw))}) {
            IdxReader.Images im = IdxReader.readImages(p);
            assertEquals(2, im.count());
            assertEquals(1, im.channels());
            assertEquals(3, im.height());
            assertEquals(2, im.width());
            assertEquals(12, im.pixels().length);
            for (int i = 0; i < 12; i++) {
                assertEquals(((i * 37) & 0xFF) / 255f, im.pixels()[i], 0f);
            }
        }
    }

    @Test
    void readsLabels() throws IOException {
        Path p = write("lab.gz", gzip(labels(IdxReader.LABELS_MAGIC, 3, 7, 0, 9)));
        assertArrayEquals(new int[] {7, 0, 9}, IdxReader.readLabels(p));
    }

    @Test
    void refusesWrongMagicNamingTheFile() throws IOException {
        Path p = write("swapped", labels(IdxReader.LABELS_MAGIC, 1, 3));
        UserError e = assertThrows(UserError.class, () -> IdxReader.readImages(p));
        assertTrue(e.getMessage().contains("swapped") && e.getMessage().contains("magic number 0x00000801"), e.getMessage());
    }

    @Test
    void refusesTruncatedPixels() throws IOException {
        Path p = write("short", images(IdxReader.IMAGES_MAGIC, 2, 28, 28, 1000));
        UserError e = assertThrows(UserError.class, () -> IdxReader.readImages(p));
        assertTrue(e.getMessage().contains("truncated") && e.getMessage().contains("1568"), e.getMessage());
    }

    @Test
    void refusesTruncatedHeaderAndGzip() throws IOException {
        Path header = write("tiny", new byte[] {0, 0, 8, 3, 0});
        assertTrue(assertThrows(UserError.class, () -> IdxReader.readImages(header)).getMessage().contains("header"));
        byte[] gz = gzip(images(IdxReader.IMAGES_MAGIC, 1, 2, 2, 4));
        Path cut = write("cut.gz", java.util.Arrays.copyOf(gz, gz.length - 10));
        assertThrows(UserError.class, () -> IdxReader.readImages(cut));
    }

    @Test
    void refusesTrailingDataAndNonPositiveDimensions() throws IOException {
        Path extra = write("extra", images(IdxReader.IMAGES_MAGIC, 1, 2, 2, 5));
        assertTrue(assertThrows(UserError.class, () -> IdxReader.readImages(extra)).getMessage().contains("trailing"));
        Path zero = write("zero", images(IdxReader.IMAGES_MAGIC, 1, 0, 2, 0));
        assertTrue(assertThrows(UserError.class, () -> IdxReader.readImages(zero)).getMessage().contains("rows is 0"));
    }

    @Test
    void refusesLabelCountMismatch() throws IOException {
        Path im = write("im", images(IdxReader.IMAGES_MAGIC, 2, 2, 2, 8));
        Path lab = write("lab", labels(IdxReader.LABELS_MAGIC, 3, 1, 2, 3));
        UserError e = assertThrows(UserError.class, () -> IdxReader.readPair(im, lab));
        assertTrue(e.getMessage().contains("2 images but lab has 3 labels"), e.getMessage());
        Path mismatch = write("count", labels(IdxReader.LABELS_MAGIC, 3, 1, 2));
        assertTrue(assertThrows(UserError.class, () -> IdxReader.readLabels(mismatch)).getMessage().contains("truncated"));
    }

    /** Colour IDX (N x H x W x 3, channels last as image files store them) is read channel by channel. */
    @Test
    void readsColourImagesIntoChannelPlanes() throws IOException {
        ByteBuffer b = ByteBuffer.allocate(20 + 2 * 2 * 1 * 3);
        b.putInt(IdxReader.COLOUR_IMAGES_MAGIC).putInt(2).putInt(2).putInt(1).putInt(3);
        // image 0: pixel (0,0) = rgb(10, 20, 30), pixel (1,0) = rgb(40, 50, 60); image 1 = 70 ... 120
        for (int v = 10; v <= 120; v += 10) {
            b.put((byte) v);
        }
        IdxReader.Images im = IdxReader.readImages(write("colour.gz", gzip(b.array())));
        assertEquals(3, im.channels());
        assertEquals(2, im.height());
        assertEquals(1, im.width());
        float[] expected = {10, 40, 20, 50, 30, 60, 70, 100, 80, 110, 90, 120};
        for (int k = 0; k < expected.length; k++) {
            assertEquals(expected[k] / 255f, im.pixels()[k], 0f, "value " + k);
        }
        ByteBuffer four = ByteBuffer.allocate(20 + 4);
        four.putInt(IdxReader.COLOUR_IMAGES_MAGIC).putInt(1).putInt(1).putInt(1).putInt(4);
        assertTrue(assertThrows(UserError.class, () -> IdxReader.readImages(write("rgba", four.array()))).getMessage()
                .contains("4 channels per pixel"));
    }

    /**
     * A file that inflates to far more than its header declares is refused after one extra byte,
     * not inflated whole; a header whose dimensions overflow an array is refused before allocating.
     */
    @Test
    void refusesGzipBombsAndOverflowingHeadersBeforeAllocating() throws IOException {
        // a valid 1-image file followed by 80 gzip members of 64 MiB of zeros each: 5 GiB inflated,
        // more than the test JVM's heap, from a file of about 5 MB (gzip readers read every member)
        ByteArrayOutputStream zeros = new ByteArrayOutputStream();
        try (GZIPOutputStream gz = new GZIPOutputStream(zeros)) {
            gz.write(new byte[64 << 20]);
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(gzip(images(IdxReader.IMAGES_MAGIC, 1, 2, 2, 4)));
        for (int i = 0; i < 80; i++) {
            out.write(zeros.toByteArray());
        }
        Path bomb = write("bomb.gz", out.toByteArray());
        assertTrue(Files.size(bomb) < 10 << 20);
        assertTrue(assertThrows(UserError.class, () -> IdxReader.readImages(bomb)).getMessage().contains("trailing data"));
        Path huge = write("huge", images(IdxReader.IMAGES_MAGIC, 100_000, 100_000, 100_000, 0));
        UserError e = assertThrows(UserError.class, () -> IdxReader.readImages(huge));
        assertTrue(e.getMessage().contains("more than one array can hold"), e.getMessage());
    }

    @Test
    void subsetsAreSeededSortedAndDistinct() {
        int[] a = Dataset.chooseIndices(1000, 50, new java.util.Random(7));
        int[] b = Dataset.chooseIndices(1000, 50, new java.util.Random(7));
        int[] c = Dataset.chooseIndices(1000, 50, new java.util.Random(8));
        assertArrayEquals(a, b);
        assertTrue(!java.util.Arrays.equals(a, c));
        for (int i = 1; i < a.length; i++) {
            assertTrue(a[i] > a[i - 1]);
        }
    }
}
