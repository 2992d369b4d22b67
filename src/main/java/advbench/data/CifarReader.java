package advbench.data;

import advbench.UserError;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPInputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;

/**
 * Reads the binary versions of CIFAR-10 and CIFAR-100 (Krizhevsky 2009), from the archive as
 * published ({@code cifar-10-binary.tar.gz}) or from its extracted folder. A record is the label
 * (CIFAR-100: a coarse and a fine label, of which the fine one is used) followed by 3,072 bytes,
 * the 32x32 red, green and blue planes: already the channel-by-channel layout models take.
 * Only the expected members are read, by name; nothing is extracted to disk.
 */
public final class CifarReader {
    private CifarReader() {}

    static final int SIDE = 32;
    static final int PIXELS = 3 * SIDE * SIDE;

    /** The layout of one of the two data sets. */
    public enum Layout {
        CIFAR10("cifar-10-batches-bin", 1, List.of("data_batch_1.bin", "data_batch_2.bin", "data_batch_3.bin", "data_batch_4.bin",
                "data_batch_5.bin"), "test_batch.bin", 10_000),
        CIFAR100("cifar-100-binary", 2, List.of("train.bin"), "test.bin", 50_000);

        final String folder;
        final int labelBytes;
        final List<String> trainFiles;
        final String testFile;
        /** Records per training file, as published (the test file holds 10,000). */
        final int recordsPerTrainFile;

        Layout(String folder, int labelBytes, List<String> trainFiles, String testFile, int recordsPerTrainFile) {
            this.folder = folder;
            this.labelBytes = labelBytes;
            this.trainFiles = trainFiles;
            this.testFile = testFile;
            this.recordsPerTrainFile = recordsPerTrainFile;
        }

        /** The folder the archive extracts to, which may be given instead of the archive. */
        public String folder() {
            return folder;
        }
    }

    /** Training and test samples of an archive or extracted folder. */
    public static IdxReader.Samples[] read(Path source, Layout layout) {
        Map<String, byte[]> members = Files.isDirectory(source) ? fromFolder(source, layout) : fromArchive(source, layout);
        List<byte[]> train = new ArrayList<>();
        for (String f : layout.trainFiles) {
            train.add(members.get(f));
        }
        return new IdxReader.Samples[] {
            records(train, layout), records(List.of(members.get(layout.testFile)), layout)};
    }

    private static Map<String, byte[]> fromFolder(Path folder, Layout layout) {
        Map<String, byte[]> members = new LinkedHashMap<>();
        for (String name : expected(layout)) {
            Path file = folder.resolve(name);
            try {
                long size = Files.isRegularFile(file) ? Files.size(file) : -1;
                if (size < 0) {
                    throw new UserError(layout.name().toLowerCase() + ": " + folder + " lacks " + name);
                }
                checkSize(folder.resolve(name), size, layout, name);
                members.put(name, Files.readAllBytes(file));
            } catch (IOException e) {
                throw new UserError(file + ": cannot be read (" + advbench.Errors.reason(e) + ")");
            }
        }
        return members;
    }

    private static Map<String, byte[]> fromArchive(Path archive, Layout layout) {
        Map<String, byte[]> members = new LinkedHashMap<>();
        List<String> wanted = expected(layout);
        try (InputStream raw = new BufferedInputStream(Files.newInputStream(archive), 1 << 16);
             TarArchiveInputStream tar = new TarArchiveInputStream(gzip(archive) ? new GZIPInputStream(raw, 1 << 16) : raw)) {
            for (TarArchiveEntry e; (e = tar.getNextEntry()) != null; ) {
                String name = e.getName().substring(e.getName().lastIndexOf('/') + 1);
                if (!e.isFile() || !wanted.contains(name) || !e.getName().startsWith(layout.folder + "/")) {
                    continue;
                }
                checkSize(archive.resolve(e.getName()), e.getSize(), layout, name);
                members.put(name, tar.readNBytes((int) e.getSize()));
            }
        } catch (IOException e) {
            throw new UserError(archive + ": not a readable CIFAR archive (" + advbench.Errors.reason(e) + ")");
        }
        for (String name : wanted) {
            if (!members.containsKey(name)) {
                throw new UserError(archive + ": no " + layout.folder + "/" + name + " in the archive");
            }
        }
        return members;
    }

    private static List<String> expected(Layout layout) {
        List<String> names = new ArrayList<>(layout.trainFiles);
        names.add(layout.testFile);
        return names;
    }

    /**
     * A member holds whole records, at most as many as published, checked before it is read into
     * memory. Fewer are accepted (a subset written by hand, or by the tests); the archive's
     * published MD5 tells whether it is the original.
     */
    private static void checkSize(Path file, long size, Layout layout, String name) {
        int record = layout.labelBytes + PIXELS;
        long published = (long) (name.equals(layout.testFile) ? 10_000 : layout.recordsPerTrainFile) * record;
        if (size <= 0 || size % record != 0 || size > published) {
            throw new UserError(file + ": " + size + " bytes, but a " + layout.name() + " file of its kind holds whole records of "
                    + record + " bytes, " + published + " bytes as published");
        }
    }

    private static IdxReader.Samples records(List<byte[]> parts, Layout layout) {
        int record = layout.labelBytes + PIXELS;
        int count = parts.stream().mapToInt(b -> b.length / record).sum();
        float[] pixels = new float[count * PIXELS];
        int[] labels = new int[count];
        int i = 0;
        for (byte[] part : parts) {
            for (int offset = 0; offset < part.length; offset += record, i++) {
                labels[i] = part[offset + layout.labelBytes - 1] & 0xFF; // CIFAR-100: the fine label, the second byte
                for (int k = 0; k < PIXELS; k++) {
                    pixels[i * PIXELS + k] = (part[offset + layout.labelBytes + k] & 0xFF) / 255f;
                }
            }
        }
        return new IdxReader.Samples(new IdxReader.Images(count, 3, SIDE, SIDE, pixels), labels);
    }

    private static boolean gzip(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            return in.read() == 0x1f && in.read() == 0x8b;
        }
    }
}
