package advbench.data;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.zip.GZIPOutputStream;
import javax.imageio.ImageIO;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;

/**
 * Colour data sets in the formats the workbench reads besides IDX, written by the tests with the
 * learnable pattern of {@link SyntheticIdx}: CIFAR binary files (as an archive laid out like the
 * published one, or its extracted folder) and folders of PNG images.
 */
public final class SyntheticImages {
    private SyntheticImages() {}

    /** One CIFAR binary file of {@code n} records, classes in turn; CIFAR-100 records carry a coarse label first. */
    public static byte[] cifarRecords(CifarReader.Layout layout, int n, int classes, Random random) {
        int record = layout.labelBytes + CifarReader.PIXELS;
        byte[] out = new byte[n * record];
        for (int i = 0; i < n; i++) {
            int c = i % classes;
            int at = i * record;
            if (layout.labelBytes == 2) {
                out[at] = (byte) (c / 5); // the coarse label, which the reader skips
            }
            out[at + layout.labelBytes - 1] = (byte) c;
            int k = at + layout.labelBytes;
            for (int ch = 0; ch < 3; ch++) {
                for (int y = 0; y < CifarReader.SIDE; y++) {
                    for (int x = 0; x < CifarReader.SIDE; x++) {
                        out[k++] = SyntheticIdx.pixel(c % 10, 3, ch, y, x, CifarReader.SIDE, CifarReader.SIDE, random);
                    }
                }
            }
        }
        return out;
    }

    /**
     * Writes a CIFAR data set of {@code train} training records per training file and {@code test}
     * test records, as {@code <dir>/<archive name>} (tar.gz) when {@code archive}, else as the
     * folder the archive extracts to. Returns the archive or folder.
     */
    public static Path cifar(Path dir, KnownDataset dataset, int train, int test, boolean archive, long seed) throws IOException {
        CifarReader.Layout layout = dataset.format().cifar;
        Random random = new Random(seed);
        Files.createDirectories(dir);
        java.util.Map<String, byte[]> members = new java.util.LinkedHashMap<>();
        for (String f : layout.trainFiles) {
            members.put(f, cifarRecords(layout, train, dataset.classes(), random));
        }
        members.put(layout.testFile, cifarRecords(layout, test, dataset.classes(), random));
        members.put("batches.meta.txt", "not read\n".getBytes());
        if (!archive) {
            Path folder = Files.createDirectories(dir.resolve(layout.folder()));
            for (var m : members.entrySet()) {
                Files.write(folder.resolve(m.getKey()), m.getValue());
            }
            return folder;
        }
        Path file = dir.resolve(dataset.format().files().get(0));
        try (OutputStream raw = Files.newOutputStream(file); OutputStream gz = new GZIPOutputStream(raw);
             TarArchiveOutputStream tar = new TarArchiveOutputStream(gz)) {
            TarArchiveEntry folder = new TarArchiveEntry(layout.folder() + "/");
            tar.putArchiveEntry(folder);
            tar.closeArchiveEntry();
            for (var m : members.entrySet()) {
                TarArchiveEntry e = new TarArchiveEntry(layout.folder() + "/" + m.getKey());
                e.setSize(m.getValue().length);
                tar.putArchiveEntry(e);
                tar.write(m.getValue());
                tar.closeArchiveEntry();
            }
        }
        return file;
    }

    /**
     * Writes {@code <dir>/train/<class>/NNN.png} and {@code <dir>/test/<class>/NNN.png}, grey or
     * colour, {@code perClass} training and {@code perClass / 2} (at least 1) test images of each.
     */
    public static Path folder(Path dir, List<String> classes, int size, boolean colour, int perClass, long seed) throws IOException {
        Random random = new Random(seed);
        for (String split : List.of("train", "test")) {
            int n = split.equals("train") ? perClass : Math.max(1, perClass / 2);
            for (int c = 0; c < classes.size(); c++) {
                Path classDir = Files.createDirectories(dir.resolve(split).resolve(classes.get(c)));
                for (int i = 0; i < n; i++) {
                    ImageIO.write(image(c, size, colour, random), "png", classDir.resolve(String.format("%03d.png", i)).toFile());
                }
            }
        }
        return dir;
    }

    static BufferedImage image(int c, int size, boolean colour, Random random) {
        BufferedImage img = new BufferedImage(size, size, colour ? BufferedImage.TYPE_INT_RGB : BufferedImage.TYPE_BYTE_GRAY);
        for (int y = 0; y < size; y++) {
            for (int x = 0; x < size; x++) {
                if (colour) {
                    int r = SyntheticIdx.pixel(c, 3, 0, y, x, size, size, random) & 0xFF;
                    int g = SyntheticIdx.pixel(c, 3, 1, y, x, size, size, random) & 0xFF;
                    int b = SyntheticIdx.pixel(c, 3, 2, y, x, size, size, random) & 0xFF;
                    img.setRGB(x, y, (r << 16) | (g << 8) | b);
                } else {
                    img.getRaster().setSample(x, y, 0, SyntheticIdx.pixel(c, 1, 0, y, x, size, size, random) & 0xFF);
                }
            }
        }
        return img;
    }

    /** A PNG's bytes. */
    public static byte[] png(BufferedImage img) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ImageIO.write(img, "png", out);
        return out.toByteArray();
    }
}
