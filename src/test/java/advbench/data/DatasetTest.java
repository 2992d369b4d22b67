package advbench.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import advbench.UserError;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The data's shape is read from the data: channels and size from the images, classes from what is known or the labels. */
class DatasetTest {
    @TempDir
    Path tmp;

    @Test
    void colourFilesGiveTheirShapeAndTheClassCountOfTheirLabels() throws IOException {
        IdxFiles files = SyntheticIdx.write(tmp, 3, 16, 12, 4, 40, 12, 1);
        Dataset d = Dataset.load("toy", files, Dataset.Classes.FROM_LABELS, 0, 0, 1);
        assertEquals(new DataShape(3, 16, 12, 4, null), d.shape());
        assertEquals(40, d.train().count());
        assertEquals(3 * 16 * 12, d.test().pixelsPerImage());
        assertEquals(d.shape(), d.test().shape());
        assertEquals(4, d.provenance().files().size());
        assertNull(d.shape().classNames());
        assertEquals("2", d.shape().className(2));
    }

    @Test
    void classNamesTravelWithTheShape() throws IOException {
        IdxFiles files = SyntheticIdx.write(tmp, 1, 8, 8, 3, 12, 6, 2);
        Dataset d = Dataset.load("toy", files, new Dataset.Classes(null, List.of("cat", "dog", "emu")), 0, 0, 1);
        assertEquals("dog", d.shape().className(1));
        assertEquals(3, d.shape().classes());
        UserError e = assertThrows(UserError.class,
                () -> Dataset.load("toy", files, new Dataset.Classes(null, List.of("cat", "dog")), 0, 0, 1));
        assertTrue(e.getMessage().contains("label 2 at index 2 is outside 0-1 (the data set has 2 classes)"), e.getMessage());
    }

    /** A stray label (255 in ten-class data) is refused, in either split, unless the classes are named. */
    @Test
    void classesCountedFromTheLabelsMustEachHaveTrainingImages() throws IOException {
        IdxFiles files = SyntheticIdx.write(tmp, 1, 8, 8, 10, 40, 20, 4);
        for (Path labels : List.of(files.trainLabels(), files.testLabels())) {
            byte[] raw = java.util.zip.GZIPInputStream.class.cast(new java.util.zip.GZIPInputStream(Files.newInputStream(labels))).readAllBytes();
            byte[] stray = raw.clone();
            stray[8 + 3] = (byte) 255;
            Files.write(labels, SyntheticIdx.gzip(stray));
            UserError e = assertThrows(UserError.class, () -> Dataset.load("toy", files, Dataset.Classes.FROM_LABELS, 0, 0, 1));
            // in the training labels the stray class has its one image; in the test labels it has none
            String empty = labels.equals(files.trainLabels()) ? "245 of those 256 classes have no training images [10, 11, 12] ... 254"
                    : "246 of those 256 classes have no training images [10, 11, 12] ... 255";
            assertTrue(e.getMessage().startsWith("IDX file " + labels + ": the labels run up to 255, but " + empty), e.getMessage());
            List<String> named = java.util.stream.IntStream.range(0, 256).mapToObj(Integer::toString).toList();
            assertEquals(256, Dataset.load("toy", files, new Dataset.Classes(null, named), 0, 0, 1).shape().classes(), "named: meant");
            Files.write(labels, SyntheticIdx.gzip(raw));
        }
    }

    @Test
    void aKnownDataSetRefusesLabelsBeyondItsClasses() throws IOException {
        IdxFiles files = SyntheticIdx.write(tmp, 1, 8, 8, 12, 24, 12, 3);
        UserError e = assertThrows(UserError.class, () -> Dataset.load("mnist", files, KnownDatasets.MNIST.knownClasses(), 0, 0, 1));
        assertTrue(e.getMessage().contains("label 10 at index 10 is outside 0-9"), e.getMessage());
    }

    @Test
    void trainingAndTestImagesMustAgreeInShape() throws IOException {
        IdxFiles a = SyntheticIdx.write(tmp.resolve("a"), 1, 8, 8, 2, 4, 4, 4);
        IdxFiles b = SyntheticIdx.write(tmp.resolve("b"), 3, 8, 8, 2, 4, 4, 4);
        IdxFiles mixed = new IdxFiles(a.trainImages(), a.trainLabels(), b.testImages(), b.testLabels());
        UserError e = assertThrows(UserError.class, () -> Dataset.load("toy", mixed, Dataset.Classes.FROM_LABELS, 0, 0, 1));
        assertTrue(e.getMessage().contains("holds 3x8x8 images but train-images.gz holds 1x8x8"), e.getMessage());
    }

    /** Files that share a name in different folders each keep their entry (and so their MD5 in the model cache key). */
    @Test
    void filesOfTheSameNameAreToldApartByTheirRole() throws IOException {
        IdxFiles a = SyntheticIdx.write(tmp.resolve("a"), 1, 8, 8, 2, 4, 4, 4);
        IdxFiles same = new IdxFiles(a.trainImages(), a.trainLabels(), a.trainImages(), a.trainLabels());
        Dataset d = Dataset.load("toy", same, Dataset.Classes.FROM_LABELS, 0, 0, 1);
        assertEquals(List.of("train_images:train-images.gz", "train_labels:train-labels.gz", "test_images:train-images.gz",
                "test_labels:train-labels.gz"), List.copyOf(d.provenance().files().keySet()));
        assertEquals(List.of("train-images.gz", "train-labels.gz", "test-images.gz", "test-labels.gz"),
                List.copyOf(Dataset.load("toy", a, Dataset.Classes.FROM_LABELS, 0, 0, 1).provenance().files().keySet()));
    }
}
