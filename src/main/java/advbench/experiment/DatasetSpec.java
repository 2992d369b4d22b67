package advbench.experiment;

import advbench.data.KnownDatasets;

/**
 * Which data to use. Either {@code name} of a known data set (found as described in
 * {@link advbench.data.DataLocator}, optionally in {@code dir}) or {@code files}, explicit paths
 * to any four IDX files. Relative paths are relative to the experiment file.
 *
 * @param trainSubset how many training samples to keep (0 = all), chosen from the seed
 * @param testSubset how many test samples to keep (0 = all), chosen from the seed
 */
public record DatasetSpec(String name, String dir, IdxFilesSpec files, Integer trainSubset, Integer testSubset) {

    public DatasetSpec {
        if (files == null) {
            SpecException.require(name, "name");
            if (KnownDatasets.byName(name).isEmpty()) {
                throw new SpecException("name", "unknown data set '" + name + "'; expected one of "
                        + String.join(", ", KnownDatasets.names()) + ", or give 'files' with four IDX paths");
            }
        } else {
            if (dir != null) {
                throw new SpecException("dir", "give either 'dir' (with a known name) or 'files', not both");
            }
            name = name == null ? "custom" : name;
        }
        trainSubset = SpecException.atLeast(trainSubset == null ? 0 : trainSubset, 0, "train_subset");
        testSubset = SpecException.atLeast(testSubset == null ? 0 : testSubset, 0, "test_subset");
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
