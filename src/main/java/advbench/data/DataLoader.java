package advbench.data;

import advbench.UserError;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
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
        IdxFiles files = DataLocator.fromEnvironment(request.dir(), env, new Downloader(Duration.ofSeconds(10), log)).locate(known);
        Dataset data = Dataset.load(known.name(), files, known.knownClasses(), request.trainSubset(), request.testSubset(),
                request.seed());
        DataLocator.publishedMismatches(known, data.provenance().md5ByFileName()).forEach(log);
        return data;
    }
}
