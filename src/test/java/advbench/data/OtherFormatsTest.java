package advbench.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import advbench.SpecException;
import advbench.UserError;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** CIFAR binaries (archive and extracted folder) and image folders, written by the tests, read through the data stage. */
class OtherFormatsTest {
    @TempDir
    Path tmp;
    final List<String> log = new ArrayList<>();

    Dataset known(String name, Path benchData) {
        return new DataLoader(Map.of("BENCH_DATA", benchData.toString(), "BENCH_CACHE", tmp.resolve("cache").toString()), log::add)
                .load(new DataRequest(name, null, null, null, null, 0, 0, 1));
    }

    Dataset images(Path folder) {
        return new DataLoader(Map.of("BENCH_CACHE", tmp.resolve("cache").toString()), log::add)
                .load(new DataRequest("images", null, null, folder, null, 0, 0, 1));
    }

    @Test
    void cifar10ArchiveIsReadAsPublishedLayoutWithItsClassNames() throws IOException {
        Path archive = SyntheticImages.cifar(tmp.resolve("data/cifar10"), KnownDatasets.CIFAR10, 30, 20, true, 4);
        Dataset d = known("cifar10", tmp.resolve("data"));
        assertEquals(new DataShape(3, 32, 32, 10, KnownDatasets.CIFAR10.classNames()), d.shape());
        assertEquals(5 * 30, d.train().count(), "five training batches");
        assertEquals(20, d.test().count());
        assertEquals("airplane", d.shape().classNames().get(0));
        // the records' bytes, in their order: the first image of the first batch, red plane first
        byte[] first = SyntheticImages.cifarRecords(CifarReader.Layout.CIFAR10, 30, 10, new Random(4));
        assertEquals(first[0], d.train().labels()[0]);
        assertEquals((first[1] & 0xFF) / 255f, d.train().pixels()[0]);
        assertEquals((first[1 + 1024] & 0xFF) / 255f, d.train().pixels()[1024], "the green plane follows the red");
        assertEquals(1, first[3073], "the second record's label");
        assertEquals(1, d.train().labels()[1]);
        assertEquals(Md5.of(archive), d.provenance().files().get("cifar-10-binary.tar.gz").md5());
        assertTrue(log.stream().anyMatch(l -> l.contains("differs from the published cifar10 file")),
                "a file that is not the published one is said so: " + log);
    }

    @Test
    void anExtractedFolderGivesTheSameDataAsTheArchive() throws IOException {
        SyntheticImages.cifar(tmp.resolve("a/cifar10"), KnownDatasets.CIFAR10, 12, 8, true, 5);
        SyntheticImages.cifar(tmp.resolve("b"), KnownDatasets.CIFAR10, 12, 8, false, 5);
        Dataset fromArchive = known("cifar10", tmp.resolve("a"));
        Dataset fromFolder = known("cifar10", tmp.resolve("b"));
        assertArrayEquals(fromArchive.train().pixels(), fromFolder.train().pixels());
        assertArrayEquals(fromArchive.test().labels(), fromFolder.test().labels());
        assertTrue(fromFolder.provenance().files().containsKey("data_batch_5.bin"), "each extracted file's MD5 is recorded");
    }

    @Test
    void cifar100TakesTheFineLabelOfOneHundred() throws IOException {
        SyntheticImages.cifar(tmp.resolve("data"), KnownDatasets.CIFAR100, 200, 100, true, 6);
        Dataset d = known("cifar100", tmp.resolve("data"));
        assertEquals(100, d.shape().classes());
        assertEquals(99, d.train().labels()[99], "the fine label (the coarse one, 19, is skipped)");
        assertEquals("worm", d.shape().classNames().get(99));
    }

    @Test
    void aTruncatedOrIncompleteCifarSetIsOneLine() throws IOException {
        Path folder = SyntheticImages.cifar(tmp.resolve("data"), KnownDatasets.CIFAR10, 10, 10, false, 7);
        Files.write(folder.resolve("data_batch_3.bin"), new byte[3073 * 2 + 100]);
        UserError cut = assertThrows(UserError.class, () -> known("cifar10", tmp.resolve("data")));
        assertTrue(cut.getMessage().contains("data_batch_3.bin") && cut.getMessage().contains("whole records of 3073 bytes"), cut.getMessage());
        Files.delete(folder.resolve("data_batch_3.bin"));
        UserError missing = assertThrows(UserError.class, () -> known("cifar10", tmp.resolve("data")));
        assertTrue(missing.getMessage().contains("lacks data_batch_3.bin"), missing.getMessage());

        Files.createDirectories(tmp.resolve("junk"));
        Files.write(tmp.resolve("junk/cifar-10-binary.tar.gz"), "not an archive at all".getBytes());
        UserError junk = assertThrows(UserError.class, () -> known("cifar10", tmp.resolve("junk")));
        assertTrue(junk.getMessage().contains("cifar-10-binary.tar.gz"), junk.getMessage());
        assertTrue(!junk.getMessage().contains("\n"));
    }

    @Test
    void anImageFolderGivesClassesFromItsSubfoldersInNameOrder() throws IOException {
        Path dir = SyntheticImages.folder(tmp.resolve("pets"), List.of("zebra", "cat", "dog"), 12, true, 4, 8);
        Dataset d = images(dir);
        assertEquals(new DataShape(3, 12, 12, 3, List.of("cat", "dog", "zebra")), d.shape());
        assertEquals(12, d.train().count());
        assertEquals(6, d.test().count());
        BufferedImage firstCat = ImageIO.read(dir.resolve("train/cat/000.png").toFile());
        int rgb = firstCat.getRGB(5, 7);
        int at = 7 * 12 + 5;
        assertEquals(((rgb >> 16) & 0xFF) / 255f, d.train().pixels()[at]);
        assertEquals(((rgb >> 8) & 0xFF) / 255f, d.train().pixels()[144 + at]);
        assertEquals((rgb & 0xFF) / 255f, d.train().pixels()[288 + at]);
        assertEquals(0, d.train().labels()[0]);
        assertEquals(2, d.train().labels()[11]);

        Dataset grey = images(SyntheticImages.folder(tmp.resolve("grey"), List.of("a", "b"), 10, false, 3, 9));
        assertEquals(1, grey.shape().channels(), "grey files give grey images");
    }

    @Test
    void anImageFolderDigestFollowsItsContent() throws IOException {
        Path dir = SyntheticImages.folder(tmp.resolve("x"), List.of("a", "b"), 8, true, 2, 1);
        String before = images(dir).provenance().files().get("train/").md5();
        assertEquals(before, images(dir).provenance().files().get("train/").md5(), "the same folder, the same digest");
        Files.write(dir.resolve("train/b/001.png"), SyntheticImages.png(SyntheticImages.image(0, 8, true, new Random(3))));
        assertNotEquals(before, images(dir).provenance().files().get("train/").md5());
    }

    @Test
    void brokenImageFoldersAreOneLineEach() throws IOException {
        Map<String, byte[]> breakages = new java.util.LinkedHashMap<>();
        breakages.put("train/a/odd.png", png(9, 8));
        breakages.put("train/a/notes.txt", "hello".getBytes());
        breakages.put("train/b/fake.png", "not a png".getBytes());
        breakages.put("test/c/000.png", png(8, 8));
        breakages.put("train/a/bomb.png", hugeHeader());
        List<String> expected = List.of("every image must have one size", "is not a PNG or JPEG file", "is not a readable PNG or JPEG image",
                "is not a class of", "more than 16 megapixels");
        int i = 0;
        for (var b : breakages.entrySet()) {
            Path dir = SyntheticImages.folder(tmp.resolve("case" + i), List.of("a", "b"), 8, true, 2, 1);
            Files.createDirectories(dir.resolve(b.getKey()).getParent());
            Files.write(dir.resolve(b.getKey()), b.getValue());
            if (b.getKey().contains("bomb")) {
                // the first image read is the one whose size counts: make the bomb the only one of its class
                for (String f : List.of("000.png", "001.png")) {
                    Files.delete(dir.resolve("train/a").resolve(f));
                }
            }
            SpecException e = assertThrows(SpecException.class, () -> images(dir), b.getKey());
            assertTrue(e.getMessage().contains(expected.get(i)), e.getMessage());
            assertTrue(!e.getMessage().contains("\n"));
            i++;
        }
        Files.createDirectories(tmp.resolve("only-train/train/a"));
        SpecException noTest = assertThrows(SpecException.class, () -> images(tmp.resolve("only-train")));
        assertTrue(noTest.getMessage().contains("has no test/ folder"), noTest.getMessage());
        Path one = SyntheticImages.folder(tmp.resolve("one"), List.of("only"), 8, true, 2, 1);
        assertTrue(assertThrows(SpecException.class, () -> images(one)).getMessage().contains("two or more"));
        assertTrue(assertThrows(SpecException.class, () -> images(tmp.resolve("nowhere"))).getMessage().contains("is not a folder"));
    }

    /** A PNG whose header claims 100,000 x 100,000 pixels: refused from the header, never decoded. */
    static byte[] hugeHeader() {
        try {
            byte[] b = SyntheticImages.png(new BufferedImage(1, 1, BufferedImage.TYPE_INT_RGB));
            ByteBuffer.wrap(b).putInt(16, 100_000).putInt(20, 100_000); // IHDR width and height
            return b;
        } catch (IOException e) {
            throw new RuntimeException(e);
        }
    }

    static byte[] png(int w, int h) {
        try {
            return SyntheticImages.png(new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB));
        } catch (IOException e) {
            throw new RuntimeException(e);
        }
    }
}
