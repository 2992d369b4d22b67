package advbench.data;

import java.nio.file.Path;
import java.util.List;

/**
 * Which data to load, as plain values: the experiment file's dataset section with its paths
 * resolved. Either {@code name} of a known data set, looked for in {@code dir} when given (else
 * as {@link DataLocator} says), or {@code files}, any four IDX files, or {@code images}, a folder
 * of images ({@link ImageFolderReader}).
 *
 * @param classNames names for the classes of the user's own files, or null
 * @param trainSubset training samples to keep, 0 for all, chosen from {@code seed}
 */
public record DataRequest(String name, Path dir, IdxFiles files, Path images, List<String> classNames, int trainSubset, int testSubset,
                          long seed) {}
