package advbench.experiment;

import advbench.SpecException;
import advbench.data.DataRequest;
import advbench.data.IdxFiles;
import advbench.data.KnownDatasets;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;

/**
 * Which data to use: {@code name} of a known data set (found as described in
 * {@link advbench.data.DataLocator}, optionally in {@code dir}), or {@code files}, explicit paths
 * to any four IDX files, grey or colour, or {@code images}, a folder with {@code train/<class>/}
 * and {@code test/<class>/} of PNG or JPEG files. Relative paths are relative to the experiment
 * file.
 *
 * @param classNames names of the classes of one's own IDX files (with {@code files} only), in label order
 * @param trainSubset how many training samples to keep (0 = all), chosen from the seed
 * @param testSubset how many test samples to keep (0 = all), chosen from the seed
 */
public record DatasetSpec(String name, String dir, IdxFilesSpec files, String images, List<String> classNames, Integer trainSubset,
                          Integer testSubset) {

    public DatasetSpec {
        if (files != null && images != null) {
            throw new SpecException("images", "give either 'files' (four IDX files) or 'images' (a folder of images), not both");
        }
        if (images != null) {
            if (images.isBlank()) {
                throw new SpecException("images", "must name a folder");
            }
            if (dir != null) {
                throw new SpecException("dir", "give either 'dir' (with a known name) or 'images', not both");
            }
            if (classNames != null) {
                throw new SpecException("class_names", "an image folder names its classes by its sub-folders; class_names is for 'files'");
            }
            name = name == null ? "images" : name;
        } else if (files == null) {
            SpecException.require(name, "name");
            if (KnownDatasets.byName(name).isEmpty()) {
                throw new SpecException("name", "unknown data set '" + name + "'; expected one of "
                        + String.join(", ", KnownDatasets.names()) + ", or give 'files' with four IDX paths or 'images' with a folder");
            }
            if (classNames != null) {
                throw new SpecException("class_names", name + " names its own classes; class_names is for one's own 'files'");
            }
        } else {
            if (dir != null) {
                throw new SpecException("dir", "give either 'dir' (with a known name) or 'files', not both");
            }
            name = name == null ? "custom" : name;
        }
        if (classNames != null) {
            if (classNames.size() < 2) {
                throw new SpecException("class_names", "must name at least two classes");
            }
            for (int i = 0; i < classNames.size(); i++) {
                if (classNames.get(i) == null || classNames.get(i).isBlank()) {
                    throw new SpecException("class_names[" + i + "]", "must not be blank");
                }
            }
            if (new HashSet<>(classNames).size() < classNames.size()) {
                throw new SpecException("class_names", "names a class twice");
            }
            classNames = List.copyOf(classNames);
        }
        trainSubset = SpecException.atLeast(trainSubset == null ? 0 : trainSubset, 0, "train_subset");
        testSubset = SpecException.atLeast(testSubset == null ? 0 : testSubset, 0, "test_subset");
    }

    /**
     * The data stage's request: paths resolved against {@code baseDir} (the experiment file's
     * folder); {@code dataDir} (--data-dir) overrides {@code dir}.
     */
    public DataRequest request(Path baseDir, Path dataDir, long seed) {
        IdxFiles paths = files == null ? null : new IdxFiles(baseDir.resolve(files.trainImages()).normalize(),
                baseDir.resolve(files.trainLabels()).normalize(), baseDir.resolve(files.testImages()).normalize(),
                baseDir.resolve(files.testLabels()).normalize());
        Path where = dataDir != null ? dataDir : dir == null ? null : baseDir.resolve(dir).normalize();
        Path folder = images == null ? null : baseDir.resolve(images).normalize();
        return new DataRequest(name, where, paths, folder, classNames, trainSubset, testSubset, seed);
    }

    /** Paths to the four IDX files of a data set that is not one of the known ones. */
    public record IdxFilesSpec(String trainImages, String trainLabels, String testImages, String testLabels) {
        public IdxFilesSpec {
            SpecException.require(trainImages, "train_images");
            SpecException.require(trainLabels, "train_labels");
            SpecException.require(testImages, "test_images");
            SpecException.require(testLabels, "test_labels");
        }
    }
}
