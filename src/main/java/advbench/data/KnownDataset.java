package advbench.data;

import java.util.List;
import java.util.Map;

/**
 * A published MNIST-like data set: where to download it and the MD5 of each original file
 * (keyed by the standard file names in {@link IdxFiles#STANDARD_NAMES}).
 */
public record KnownDataset(String name, List<String> mirrors, Map<String, String> md5ByFile) {}
