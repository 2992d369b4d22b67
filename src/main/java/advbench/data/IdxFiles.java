package advbench.data;

import java.nio.file.Path;
import java.util.List;

/** The four IDX files of a data set: training and test images and their labels. */
public record IdxFiles(Path trainImages, Path trainLabels, Path testImages, Path testLabels) {

    /** The conventional file names, shared by MNIST and Fashion-MNIST. */
    public static final List<String> STANDARD_NAMES = List.of(
            "train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz",
            "t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz");

    /** The four in the order of {@link #STANDARD_NAMES}, as {@link DataLocator#locate} gives them. */
    public static IdxFiles of(List<Path> paths) {
        return new IdxFiles(paths.get(0), paths.get(1), paths.get(2), paths.get(3));
    }

    public List<Path> all() {
        return List.of(trainImages, trainLabels, testImages, testLabels);
    }
}
