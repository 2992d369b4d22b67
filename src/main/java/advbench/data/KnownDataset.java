package advbench.data;

import java.util.List;
import java.util.Map;

/**
 * A published MNIST-like data set: where to download it, the MD5 of each original file (keyed by
 * the standard file names in {@link IdxFiles#STANDARD_NAMES}), and its classes.
 *
 * @param classNames the classes' names, or null when they are only numbered (MNIST's digits)
 */
public record KnownDataset(String name, List<String> mirrors, Map<String, String> md5ByFile, int classes,
                           List<String> classNames) {

    public Dataset.Classes knownClasses() {
        return new Dataset.Classes(classes, classNames);
    }
}
