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
 * Finds the four files of a named data set, in this order: an explicit directory (experiment
 * file or --data-dir), the BENCH_DATA directory, the local cache, and last a download from the
 * public mirrors into the cache with MD5 verification. In each directory the files may sit in a
 * sub-folder named after the data set or directly in it, gzip-compressed or not.
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

    public IdxFiles locate(KnownDataset dataset) {
        if (explicitDir != null) {
            IdxFiles found = findIn(explicitDir, dataset);
            if (found == null) {
                throw new UserError(dataset.name() + ": data directory " + explicitDir + " lacks "
                        + String.join(", ", missingIn(explicitDir, dataset))
                        + " (looked in it and in its sub-folder " + dataset.name() + "/)");
            }
            return found;
        }
        if (envDir != null) {
            IdxFiles found = findIn(envDir, dataset);
            if (found != null) {
                return found;
            }
        }
        Path cacheDir = cacheRoot.resolve("data").resolve(dataset.name());
        IdxFiles cached = findIn(cacheDir, dataset);
        if (cached != null) {
            return cached;
        }
        return download(dataset, cacheDir);
    }

    private IdxFiles download(KnownDataset dataset, Path cacheDir) {
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
        IdxFiles found = findIn(cacheDir, dataset);
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

    private static IdxFiles findIn(Path base, KnownDataset dataset) {
        for (Path dir : List.of(base.resolve(dataset.name()), base)) {
            List<Path> paths = new ArrayList<>();
            for (String name : IdxFiles.STANDARD_NAMES) {
                Path file = existing(dir, name);
                if (file != null) {
                    paths.add(file);
                }
            }
            if (paths.size() == 4) {
                return new IdxFiles(paths.get(0), paths.get(1), paths.get(2), paths.get(3));
            }
        }
        return null;
    }

    private static List<String> missingIn(Path base, KnownDataset dataset) {
        List<String> missing = new ArrayList<>();
        for (String name : IdxFiles.STANDARD_NAMES) {
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
