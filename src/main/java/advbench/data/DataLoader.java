package advbench.data;

import advbench.SpecException;
import advbench.UserError;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * The data stage: finds a request's files (the user's own, or a known data set through
 * --data-dir, the experiment's dir, $BENCH_DATA, the cache or a download), reads them and draws
 * the subsets. Everything wrong with the data is a one-line {@link UserError} from here, before
 * any training starts.
 */
public final class DataLoader {
    private final Map<String, String> env;
    private final Consumer<String> log;

    /** @param env the environment, for BENCH_DATA and BENCH_CACHE */
    public DataLoader(Map<String, String> env, Consumer<String> log) {
        this.env = env;
        this.log = log;
    }

    public Dataset load(DataRequest request) {
        if (request.images() != null) {
            if (!Files.isDirectory(request.images())) {
                throw new SpecException("images", request.images() + " is not a folder");
            }
            ImageFolderReader.Read read = ImageFolderReader.read(request.images());
            return Dataset.assemble(request.name(), new Dataset.Split(read.train(), "train/", "train/"),
                    new Dataset.Split(read.test(), "test/", "test/"), new Dataset.Classes(null, read.classNames()),
                    request.trainSubset(), request.testSubset(), request.seed(), new DataProvenance(request.name(), read.sources()));
        }
        if (request.files() != null) {
            for (Path p : request.files().all()) {
                if (Files.isDirectory(p)) {
                    throw new UserError("dataset.files: " + p + " is a folder, not an IDX file");
                }
                if (!Files.isRegularFile(p)) {
                    throw new UserError("dataset.files: " + p + " does not exist");
                }
            }
            return Dataset.load(request.name(), request.files(), new Dataset.Classes(null, request.classNames()),
                    request.trainSubset(), request.testSubset(), request.seed());
        }
        KnownDataset known = KnownDatasets.byName(request.name())
                .orElseThrow(() -> new UserError("unknown data set '" + request.name() + "'"));
        List<Path> files = DataLocator.fromEnvironment(request.dir(), env, new Downloader(Duration.ofSeconds(10), log)).locate(known);
        Dataset data = known.format() == KnownDataset.Format.IDX
                ? Dataset.load(known.name(), IdxFiles.of(files), known.knownClasses(),
                        request.trainSubset(), request.testSubset(), request.seed())
                : cifar(known, files.get(0), request);
        DataLocator.publishedMismatches(known, data.provenance().md5ByFileName()).forEach(log);
        return data;
    }

    /** A CIFAR archive (or its extracted folder), its provenance the archive's MD5 or each extracted file's. */
    private static Dataset cifar(KnownDataset known, Path source, DataRequest request) {
        CifarReader.Layout layout = known.format().cifar;
        IdxReader.Samples[] splits = CifarReader.read(source, layout);
        java.util.Map<String, DataProvenance.FileEntry> sources = new java.util.LinkedHashMap<>();
        List<Path> parts = new java.util.ArrayList<>();
        if (Files.isDirectory(source)) {
            layout.trainFiles.forEach(f -> parts.add(source.resolve(f)));
            parts.add(source.resolve(layout.testFile));
        } else {
            parts.add(source);
        }
        for (Path p : parts) {
            sources.put(p.getFileName().toString(), new DataProvenance.FileEntry(p.toAbsolutePath().normalize().toString(), Md5.of(p)));
        }
        String train = String.join(", ", layout.trainFiles);
        return Dataset.assemble(known.name(), new Dataset.Split(splits[0], train, train),
                new Dataset.Split(splits[1], layout.testFile, layout.testFile), known.knownClasses(), request.trainSubset(),
                request.testSubset(), request.seed(), new DataProvenance(known.name(), sources));
    }
}
