package advbench.data;

import advbench.UserError;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Finds the files of a named data set, in this order: an explicit directory (experiment file or
 * --data-dir), the BENCH_DATA directory, the local cache, and last a download from the public
 * mirrors into the cache with MD5 verification. In each directory the files may sit in a
 * sub-folder named after the data set or directly in it; IDX files gzip-compressed or not, a
 * CIFAR archive or the folder it extracts to.
 */
public final class DataLocator {
    public static final String DATA_ENV = "BENCH_DATA";
    public static final String CACHE_ENV = "BENCH_CACHE";

    private final Path explicitDir;
    private final Path envDir;
    private final Path cacheRoot;
    private final Downloader downloader;

    public DataLocator(Path explicitDir, Path envDir, Path cacheRoot, Downloader downloader) {
        this.explicitDir = explicitDir;
        this.envDir = envDir;
        this.cacheRoot = cacheRoot;
        this.downloader = downloader;
    }

    /** Reads BENCH_DATA and BENCH_CACHE (default ~/.cache/bench) from the given environment. */
    public static DataLocator fromEnvironment(Path explicitDir, Map<String, String> env, Downloader downloader) {
        Path envDir = blankToNull(env.get(DATA_ENV)) == null ? null : Path.of(env.get(DATA_ENV));
        Path cache = blankToNull(env.get(CACHE_ENV)) != null ? Path.of(env.get(CACHE_ENV))
                : Path.of(System.getProperty("user.home"), ".cache", "bench");
        return new DataLocator(explicitDir, envDir, cache, downloader);
    }

    public List<Path> locate(KnownDataset dataset) {
        if (explicitDir != null) {
            List<Path> found = findIn(explicitDir, dataset);
            if (found == null) {
                throw new UserError(dataset.name() + ": data directory " + explicitDir + " lacks "
                        + String.join(", ", missingIn(explicitDir, dataset))
                        + " (looked in it and in its sub-folder " + dataset.name() + "/)");
            }
            return found;
        }
        if (envDir != null) {
            List<Path> found = findIn(envDir, dataset);
            if (found != null) {
                return found;
            }
        }
        Path cacheDir = cacheRoot.resolve("data").resolve(dataset.name());
        List<Path> cached = findIn(cacheDir, dataset);
        if (cached != null) {
            return cached;
        }
        return download(dataset, cacheDir);
    }

    private List<Path> download(KnownDataset dataset, Path cacheDir) {
        List<String> missing = missingIn(cacheDir, dataset);
        List<String> reasons = new ArrayList<>();
        for (String file : missing) {
            try {
                List<String> failures = downloader.download(dataset.mirrors(), file, dataset.md5ByFile().get(file), cacheDir.resolve(file));
                if (failures != null) {
                    reasons.addAll(failures);
                    break; // the mirrors are down for one file; they will be for the others too
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        List<Path> found = findIn(cacheDir, dataset);
        if (found == null) {
            throw new UserError(dataset.name() + ": missing " + String.join(", ", missingIn(cacheDir, dataset))
                    + " and the download failed (" + (reasons.isEmpty() ? "no mirror" : reasons.get(0))
                    + "); put the files in a directory and pass --data-dir DIR or set " + DATA_ENV + "=DIR");
        }
        return found;
    }

    /**
     * Warnings for local files whose MD5 differs from the published one (keyed by file name).
     * Worth telling, not worth stopping for: a re-compressed copy holds the same data.
     */
    public static List<String> publishedMismatches(KnownDataset dataset, Map<String, String> md5ByFileName) {
        List<String> warnings = new ArrayList<>();
        md5ByFileName.forEach((name, md5) -> {
            String expected = dataset.md5ByFile().get(name);
            if (expected != null && !expected.equals(md5)) {
                warnings.add("warning: " + name + " differs from the published " + dataset.name()
                        + " file (MD5 " + md5 + ", published " + expected + "); using it anyway");
            }
        });
        return warnings;
    }

    /** The data set's files in {@code base} or its sub-folder named after the data set, in the reader's order; null if incomplete. */
    private static List<Path> findIn(Path base, KnownDataset dataset) {
        for (Path dir : List.of(base.resolve(dataset.name()), base)) {
            List<Path> paths = new ArrayList<>();
            for (String name : dataset.format().files()) {
                Path file = existing(dir, name);
                if (file != null) {
                    paths.add(file);
                }
            }
            if (paths.size() == dataset.format().files().size()) {
                return paths;
            }
            // a CIFAR archive may have been extracted already
            if (dataset.format().cifar != null && Files.isDirectory(dir.resolve(dataset.format().cifar.folder()))) {
                return List.of(dir.resolve(dataset.format().cifar.folder()));
            }
        }
        return null;
    }

    private static List<String> missingIn(Path base, KnownDataset dataset) {
        List<String> missing = new ArrayList<>();
        for (String name : dataset.format().files()) {
            if (existing(base.resolve(dataset.name()), name) == null && existing(base, name) == null) {
                missing.add(name);
            }
        }
        return missing;
    }

    private static Path existing(Path dir, String gzName) {
        for (String name : List.of(gzName, gzName.substring(0, gzName.length() - 3))) {
            Path p = dir.resolve(name);
            if (Files.isRegularFile(p)) {
                return p;
            }
        }
        return null;
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s;
    }
}
