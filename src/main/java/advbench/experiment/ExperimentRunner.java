package advbench.experiment;

import advbench.RunLog;
import advbench.attack.Norm;
import advbench.eval.PlannedAttack;
import advbench.data.DataLocator;
import advbench.data.Dataset;
import advbench.data.Downloader;
import advbench.data.IdxFiles;
import advbench.data.KnownDatasets;
import advbench.eval.Evaluation;
import advbench.eval.Evaluator;
import advbench.eval.Examples;
import advbench.eval.Metrics;
import advbench.eval.MetricsCalculator;
import advbench.model.Classifier;
import advbench.model.Engines;
import advbench.model.ModelCache;
import advbench.report.AccuracyPlot;
import advbench.report.ExampleGrid;
import advbench.report.Manifest;
import advbench.report.MetricsDocument;
import advbench.report.MetricsWriter;
import advbench.report.RunFolder;
import advbench.train.ModelTrainer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Runs one experiment through the pipeline, in one direction: data, model, training,
 * evaluation, report. Everything that can be wrong with the user's input (spec, data) is found
 * before the run folder is created, so a bad run leaves nothing behind.
 */
public final class ExperimentRunner {

    /**
     * @param resultsRoot where run folders go (results/ by default)
     * @param dataDir overrides the experiment's dataset dir (--data-dir), or null
     * @param baseDir relative paths in the experiment file are resolved against it (its folder)
     * @param env environment, for BENCH_DATA and BENCH_CACHE
     * @param retrain train even when the model cache holds the weights
     */
    public record Options(Path resultsRoot, Path dataDir, Path baseDir, Map<String, String> env, int threads, boolean retrain) {}

    /** Where the run went and what it measured. */
    public record Result(Path runDir, MetricsDocument metrics) {}

    private final RunLog log;

    public ExperimentRunner(RunLog log) {
        this.log = log;
    }

    public Result run(ExperimentSpec spec, Path experimentFile, Options options) {
        Instant started = Instant.now();
        Map<String, Double> phases = new LinkedHashMap<>();
        long t = System.nanoTime();
        Dataset data = loadData(spec, options);
        phases.put("data", seconds(t));
        log.info(String.format("data: %s, %d training and %d test images of %dx%d", data.name(),
                data.train().count(), data.test().count(), data.train().rows(), data.train().cols()));

        RunFolder folder = RunFolder.create(options.resultsRoot(), spec.name());
        log.attachFile(folder.path("run.log"));
        log.info("run folder " + folder.dir());
        String config = resolvedConfig(spec);
        folder.writeString("config.yaml", config);

        Engines.seed(spec.seed());
        try (Classifier model = Classifier.create(spec.model().architecture(), data.train().rows(), data.train().cols())) {
            t = System.nanoTime();
            Map<String, Object> trainingInputs = TrainingInputs.of(spec, data);
            String cacheKey = ModelCache.key(trainingInputs);
            List<MetricsDocument.Epoch> history = trainOrReuse(spec, data, model, options, trainingInputs, cacheKey);
            model.save(folder.dir());
            phases.put("training", seconds(t));

            t = System.nanoTime();
            List<PlannedAttack> attacks = spec.attacks().stream()
                    .map(a -> new PlannedAttack(a.build(spec.seed()), spec.epsilonsFor(a))).toList();
            Evaluation evaluation = new Evaluator(spec.outputs().evalBatchSize(), log).evaluate(model, data.test(), attacks);
            Metrics metrics = MetricsCalculator.compute(evaluation);
            Examples examples = Examples.collect(model, data.test(), spec.outputs().gridSamples(), attacks);
            phases.put("evaluation", seconds(t));

            t = System.nanoTime();
            MetricsDocument doc = new MetricsDocument(spec.name(), spec.seed(), data.name(), data.train().count(),
                    data.test().count(), spec.model().architecture(),
                    history, metrics.clean(), metrics.attacks(),
                    metrics.worstCase(), metrics.gradientCheck(), metrics.warnings());
            MetricsWriter.write(folder, doc);
            MetricsWriter.writeCsv(folder, metrics);
            String title = spec.name() + ": " + spec.model().architecture() + " on " + data.name();
            for (Norm norm : Norm.values()) {
                if (metrics.attacks().stream().anyMatch(c -> c.norm().equals(norm.label()))) {
                    AccuracyPlot.write(folder, AccuracyPlot.fileName(norm), AccuracyPlot.chart(title, metrics, norm));
                }
            }
            ExampleGrid.write(folder, "adversarial_grid.png", examples);
            phases.put("report", seconds(t));
            logSummary(metrics);

            Manifest.write(folder, new Manifest(spec.name(), folder.runId(), "complete", spec.seed(), sha256(config),
                    experimentFile.toAbsolutePath().toString(), dataEntry(data), cacheKey, weightsSha256(folder),
                    new Manifest.Versions(version(), System.getProperty("java.version"),
                            System.getProperty("java.vm.name") + " " + System.getProperty("java.vm.version"),
                            Engines.djlVersion(), Engines.engineVersion()),
                    Manifest.Machine.current(),
                    Manifest.Git.of(experimentFile.toAbsolutePath().getParent()),
                    started.toString(), Instant.now().toString(), phases));
            log.info(String.format("done in %.1f s", Duration.between(started, Instant.now()).toMillis() / 1000.0));
            return new Result(folder.dir(), doc);
        } finally {
            log.close();
        }
    }

    /** Weights from the model cache when it has them (and --retrain is off), else trained and cached. */
    private List<MetricsDocument.Epoch> trainOrReuse(ExperimentSpec spec, Dataset data, Classifier model, Options options,
                                                     Map<String, Object> inputs, String key) {
        ModelCache cache = ModelCache.fromEnvironment(options.env());
        var cached = options.retrain() ? java.util.Optional.<List<MetricsDocument.Epoch>>empty()
                : cache.record(key, new com.fasterxml.jackson.core.type.TypeReference<List<MetricsDocument.Epoch>>() { });
        if (cached.isPresent()) {
            model.load(cache.dir(key));
            model.setTrainable(false);
            log.info("reusing trained weights from the model cache (" + cache.dir(key) + "); --retrain trains anew");
            return cached.get();
        }
        log.info("training " + spec.model().architecture() + " for " + spec.model().epochs() + " epochs");
        List<MetricsDocument.Epoch> history = new ModelTrainer(spec.model(), log).train(model, data.train(), data.test(), spec.seed())
                .stream().map(MetricsDocument.Epoch::of).toList();
        cache.store(key, inputs, model, history);
        return history;
    }

    private Dataset loadData(ExperimentSpec spec, Options options) {
        DatasetSpec ds = spec.dataset();
        IdxFiles files;
        if (ds.files() != null) {
            DatasetSpec.IdxFilesSpec f = ds.files();
            files = new IdxFiles(resolve(options, f.trainImages()), resolve(options, f.trainLabels()),
                    resolve(options, f.testImages()), resolve(options, f.testLabels()));
            for (Path p : files.all()) {
                if (!java.nio.file.Files.isRegularFile(p)) {
                    throw new advbench.UserError("dataset.files: " + p + " does not exist");
                }
            }
        } else {
            Path dir = options.dataDir() != null ? options.dataDir() : ds.dir() == null ? null : resolve(options, ds.dir());
            DataLocator locator = DataLocator.fromEnvironment(dir, options.env(), new Downloader(Duration.ofSeconds(10), log::info));
            files = locator.locate(KnownDatasets.byName(ds.name()).orElseThrow());
        }
        Dataset data = Dataset.load(ds.name(), files, ds.trainSubset(), ds.testSubset(), spec.seed());
        KnownDatasets.byName(ds.name()).ifPresent(known ->
                DataLocator.publishedMismatches(known, dataEntry(data).files().entrySet().stream().collect(
                        java.util.stream.Collectors.toMap(Map.Entry::getKey, e -> e.getValue().md5()))).forEach(log::info));
        return data;
    }

    private static Path resolve(Options options, String path) {
        return options.baseDir().resolve(path).normalize();
    }

    /** The data files by name (e.g. train-images-idx3-ubyte.gz), with their full path and MD5. */
    private static Manifest.Data dataEntry(Dataset data) {
        Map<String, Manifest.FileEntry> files = new LinkedHashMap<>();
        data.fileMd5s().forEach((path, md5) -> files.put(Path.of(path).getFileName().toString(), new Manifest.FileEntry(path, md5)));
        return new Manifest.Data(data.name(), files);
    }

    private void logSummary(Metrics m) {
        log.info(String.format("clean accuracy %.2f%%", 100 * m.clean().accuracy()));
        for (Metrics.AttackCurve c : m.attacks()) {
            StringBuilder sb = new StringBuilder(c.attack() + " accuracy:");
            for (Metrics.Point p : c.points()) {
                sb.append(String.format(" eps %.3g: %.2f%%", p.epsilon(), 100 * p.accuracy()));
                if (p.targetedSuccessRate() != null) {
                    sb.append(String.format(" (target hit %.1f%%)", 100 * p.targetedSuccessRate()));
                }
            }
            log.info(sb.toString());
        }
        for (Metrics.WorstCase w : m.worstCase()) {
            StringBuilder sb = new StringBuilder("worst case over " + w.norm() + " attacks:");
            for (Metrics.WorstPoint p : w.points()) {
                sb.append(String.format(" eps %.3g: %.2f%%", p.epsilon(), 100 * p.accuracy()));
            }
            log.info(sb.toString());
        }
        m.warnings().forEach(w -> log.info("WARNING: " + w));
    }

    static String resolvedConfig(ExperimentSpec spec) {
        try {
            return ExperimentLoader.YAML.writeValueAsString(spec);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String weightsSha256(RunFolder folder) {
        try {
            byte[] weights = java.nio.file.Files.readAllBytes(folder.path(Classifier.WEIGHTS_NAME + "-0000.params"));
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(weights));
        } catch (java.io.IOException | java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    static String sha256(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String version() {
        String v = ExperimentRunner.class.getPackage().getImplementationVersion();
        return v == null ? "dev" : v;
    }

    private static double seconds(long startNanos) {
        return Math.round((System.nanoTime() - startNanos) / 1e7) / 100.0;
    }
}
