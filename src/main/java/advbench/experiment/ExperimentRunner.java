package advbench.experiment;

import advbench.RunLog;
import advbench.attack.Norm;
import advbench.attack.Pgd;
import advbench.attack.Sweep;
import advbench.data.DataLocator;
import advbench.data.Dataset;
import advbench.data.Downloader;
import advbench.data.IdxFiles;
import advbench.data.KnownDatasets;
import advbench.data.LabeledImages;
import advbench.eval.Evaluation;
import advbench.eval.Evaluator;
import advbench.eval.Examples;
import advbench.eval.Metrics;
import advbench.eval.MetricsCalculator;
import advbench.eval.PlannedAttack;
import advbench.figures.FigureInputs;
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
import advbench.train.Objective;
import advbench.train.OverfitMonitor;
import advbench.train.TrainingPlan;
import com.fasterxml.jackson.core.type.TypeReference;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Runs one experiment through the pipeline, in one direction: data, model (trained or from the
 * cache), optional adversarially trained model, evaluation, report. Everything that can be
 * wrong with the user's input (spec, data) is found before the run folder is created, so a bad
 * run leaves nothing behind.
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

    /** What training produced (or the cache held); the record stored beside cached weights. */
    public record Training(List<MetricsDocument.Epoch> history, int keptEpoch, List<String> overfitting) {}

    /** A model ready for evaluation: where its weights came from and how it was trained. */
    private record Trained(Classifier model, String cacheKey, Training training) {}

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
        List<PlannedAttack> attacks = spec.attacks().stream()
                .map(a -> new PlannedAttack(a.build(spec.seed()), spec.epsilonsFor(a))).toList();
        String title = spec.name() + ": " + spec.model().architecture() + " on " + data.name();

        t = System.nanoTime();
        Trained baseline = baseline(spec, data, options);
        Trained defended = spec.defence() == null ? null : defended(spec, data, options);
        phases.put("training", seconds(t));
        try {
            baseline.model().save(folder.dir());
            if (defended != null) {
                defended.model().save(folder.dir().resolve("defended"));
            }
            t = System.nanoTime();
            FigureInputs figureInputs = new FigureInputs();
            Metrics base = evaluate("baseline", baseline.model(), data, attacks, spec, folder, "adversarial_grid.png", figureInputs);
            Metrics def = defended == null ? null
                    : evaluate(spec.defence().method(), defended.model(), data, attacks, spec, folder, "adversarial_grid_defended.png", figureInputs);
            phases.put("evaluation", seconds(t));

            t = System.nanoTime();
            MetricsDocument doc = new MetricsDocument(spec.name(), spec.seed(), data.name(), data.train().count(),
                    data.test().count(), spec.model().architecture(), baseline.training().history(), base.clean(),
                    base.attacks(), base.worstCase(), base.gradientCheck(), base.warnings(),
                    defended == null ? null : defendedSection(spec, data, defended.training(), def));
            MetricsWriter.write(folder, doc);
            MetricsWriter.writeCsv(folder, base, def == null ? null : spec.defence().method(), def);
            figureInputs.write(folder); // examples.json, predictions.csv: bench figures redraws from them
            for (Norm norm : Norm.values()) {
                if (base.attacks().stream().anyMatch(c -> c.norm().equals(norm.label()))) {
                    AccuracyPlot.write(folder, AccuracyPlot.fileName(norm), AccuracyPlot.chart(title,
                            def == null ? List.of(new AccuracyPlot.Model("baseline", base))
                                    : List.of(new AccuracyPlot.Model("baseline", base), new AccuracyPlot.Model(spec.defence().method(), def)),
                            norm));
                }
            }
            phases.put("report", seconds(t));

            Manifest.write(folder, new Manifest(spec.name(), folder.runId(), "complete", spec.seed(), sha256(config),
                    experimentFile.toAbsolutePath().toString(), dataEntry(data), baseline.cacheKey(),
                    defended == null ? null : defended.cacheKey(), weightsSha256(folder.dir()),
                    new Manifest.Versions(version(), System.getProperty("java.version"),
                            System.getProperty("java.vm.name") + " " + System.getProperty("java.vm.version"),
                            Engines.djlVersion(), Engines.engineVersion()),
                    Manifest.Machine.current(),
                    Manifest.Git.of(experimentFile.toAbsolutePath().getParent()),
                    started.toString(), Instant.now().toString(), phases));
            log.info(String.format("done in %.1f s", Duration.between(started, Instant.now()).toMillis() / 1000.0));
            return new Result(folder.dir(), doc);
        } finally {
            baseline.model().close();
            if (defended != null) {
                defended.model().close();
            }
            log.close();
        }
    }

    /**
     * Sweeps every attack over the test set, renders the model's grid, keeps what bench figures
     * needs (per-sample predictions, the grid's images), and logs a summary.
     */
    private Metrics evaluate(String label, Classifier model, Dataset data, List<PlannedAttack> attacks, ExperimentSpec spec,
                             RunFolder folder, String gridFile, FigureInputs figureInputs) {
        log.info("evaluating " + label);
        Sweep sweep = spec.evaluation().sweep();
        Evaluation evaluation = new Evaluator(spec.evaluation().batchSize(), sweep, log).evaluate(model, data.test(), attacks);
        Metrics metrics = MetricsCalculator.compute(evaluation);
        Examples examples = Examples.collect(model, data.test(), spec.outputs().gridSamples(), attacks, sweep);
        ExampleGrid.write(folder, gridFile, examples);
        figureInputs.add(label, model, evaluation, examples);
        logSummary(label, metrics);
        return metrics;
    }

    private Trained baseline(ExperimentSpec spec, Dataset data, Options options) {
        Map<String, Object> inputs = TrainingInputs.of(spec, data);
        return trainOrReuse("baseline", spec, data, options, inputs, () -> {
            log.info("training " + spec.model().architecture() + " for " + spec.model().epochs() + " epochs");
            return ModelTrainer.standard(spec.model(), log);
        }, data.train(), null);
    }

    /**
     * The adversarially trained model. A slice of the training set is held out (never trained
     * on) to watch for catastrophic overfitting.
     */
    private Trained defended(ExperimentSpec spec, Dataset data, Options options) {
        DefenceSpec d = spec.defence();
        Map<String, Object> inputs = new java.util.TreeMap<>(TrainingInputs.of(spec, data));
        inputs.put("defence", d);
        LabeledImages[] split = Dataset.holdOut(data.train(), d.holdout(), spec.seed());
        return trainOrReuse(d.method(), spec, data, options, inputs, () -> {
            log.info(String.format("adversarial training (%s, eps %s, %d steps, %s) of %s for %d epochs on %d images, %d held out",
                    d.method(), d.epsilon(), d.steps(), d.step(), spec.model().architecture(), d.epochs(),
                    split[0].count(), split[1].count()));
            Objective objective = d.method().equals("trades")
                    ? Objective.trades(d.steps(), d.step().at(d.epsilon()), d.epsilon(), d.beta(), spec.seed())
                    : Objective.adversarial(new Pgd(d.method(), Norm.LINF, d.steps(), d.step(), 1,
                            d.method().equals("fgsm-rs") ? Pgd.Start.RANDOM_UNCLIPPED : Pgd.Start.RANDOM, spec.seed(), null), d.epsilon());
            OverfitMonitor monitor = split[1].count() == 0 ? null : new OverfitMonitor(split[1], d.epsilon(), spec.seed(), log);
            return new ModelTrainer(TrainingPlan.of(spec.model(), d), objective, monitor, log);
        }, split[0], split[1]);
    }

    /** Weights from the model cache when it has them (and --retrain is off), else trained and cached. */
    private Trained trainOrReuse(String label, ExperimentSpec spec, Dataset data, Options options, Map<String, Object> inputs,
                                 java.util.function.Supplier<ModelTrainer> trainer, LabeledImages train, LabeledImages holdout) {
        String key = ModelCache.key(inputs);
        ModelCache cache = ModelCache.fromEnvironment(options.env());
        Engines.seed(spec.seed());
        Classifier model = Classifier.create(spec.model().architecture(), data.train().rows(), data.train().cols());
        Optional<Training> cached = options.retrain() ? Optional.empty() : cache.record(key, new TypeReference<Training>() { });
        if (cached.isPresent()) {
            model.load(cache.dir(key));
            model.setTrainable(false);
            log.info(label + ": reusing trained weights from the model cache (" + cache.dir(key) + "); --retrain trains anew");
            return new Trained(model, key, cached.get());
        }
        ModelTrainer.Result result = trainer.get().train(model, train, data.test(), spec.seed());
        Training training = new Training(result.history().stream().map(MetricsDocument.Epoch::of).toList(),
                result.bestEpoch(), result.overfitting());
        cache.store(key, inputs, model, training);
        return new Trained(model, key, training);
    }

    private static MetricsDocument.Defended defendedSection(ExperimentSpec spec, Dataset data, Training training, Metrics m) {
        int holdout = Math.min(spec.defence().holdout(), data.train().count());
        return new MetricsDocument.Defended(spec.defence().method(), data.train().count() - holdout, holdout,
                training.history(), training.keptEpoch(), training.overfitting(), m.clean(), m.attacks(), m.worstCase(),
                m.gradientCheck(), m.warnings());
    }

    /** The experiment's data set, found the way a run finds it (option, file, $BENCH_DATA, cache, download). */
    public Dataset loadData(ExperimentSpec spec, Options options) {
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

    private void logSummary(String label, Metrics m) {
        log.info(String.format("%s: clean accuracy %.2f%%", label, 100 * m.clean().accuracy()));
        for (Metrics.AttackCurve c : m.attacks()) {
            StringBuilder sb = new StringBuilder(label + ": " + c.attack() + " accuracy:");
            for (Metrics.Point p : c.points()) {
                sb.append(String.format(" eps %.3g: %.2f%%", p.epsilon(), 100 * p.accuracy()));
                if (p.targetedSuccessRate() != null) {
                    sb.append(String.format(" (target hit %.1f%%)", 100 * p.targetedSuccessRate()));
                }
            }
            log.info(sb.toString());
        }
        for (Metrics.WorstCase w : m.worstCase()) {
            StringBuilder sb = new StringBuilder(label + ": worst case over " + w.norm() + " attacks:");
            for (Metrics.WorstPoint p : w.points()) {
                sb.append(String.format(" eps %.3g: %.2f%%", p.epsilon(), 100 * p.accuracy()));
            }
            log.info(sb.toString());
        }
        m.warnings().forEach(w -> log.info("WARNING (" + label + "): " + w));
    }

    static String resolvedConfig(ExperimentSpec spec) {
        try {
            return ExperimentLoader.YAML.writeValueAsString(spec);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String weightsSha256(Path dir) {
        try {
            byte[] weights = java.nio.file.Files.readAllBytes(dir.resolve(Classifier.WEIGHTS_NAME + "-0000.params"));
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
