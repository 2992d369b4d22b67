package advbench.experiment;

import advbench.RunLog;
import advbench.SpecException;
import advbench.UserError;
import advbench.attack.AttackSpec;
import advbench.data.DataLoader;
import advbench.data.Dataset;
import advbench.data.LabeledImages;
import advbench.eval.Evaluation;
import advbench.eval.Evaluator;
import advbench.indicators.FailureIndicators;
import advbench.eval.LossTrace;
import advbench.eval.Metrics;
import advbench.eval.MetricsCalculator;
import advbench.eval.PlannedAttack;
import advbench.eval.Summary;
import advbench.certify.CertificateMetrics;
import advbench.certify.CertifiedOutcome;
import advbench.certify.Certifier;
import advbench.certify.Contradictions;
import advbench.certify.Smoothing;
import advbench.figures.Figures;
import advbench.model.BusyMachine;
import advbench.model.Engines;
import advbench.model.ModelCache;
import advbench.report.Manifest;
import advbench.report.MetricsDocument;
import advbench.report.ModelRun;
import advbench.report.OutputFolder;
import advbench.report.RunFolder;
import advbench.report.RunRecorder;
import advbench.train.ModelProvider;
import advbench.train.ModelSource;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Runs one experiment through the stages, in one direction: load the data, provide the models
 * (trained, or from the cache), evaluate them, record the run, draw its figures. Everything that
 * can be wrong with the user's input (file, data, model against data) is found before the run
 * folder is created, so a bad run leaves nothing behind. This class only wires; each stage lives
 * in its own package and takes plain values.
 */
public final class ExperimentRunner {

    /**
     * @param resultsRoot where run folders go (results/ by default)
     * @param dataDir overrides the experiment's dataset dir (--data-dir), or null
     * @param baseDir relative paths in the experiment file are resolved against it (its folder)
     * @param env environment, for BENCH_DATA and BENCH_CACHE
     * @param retrain train even when the model cache holds the weights
     */
    public record Options(Path resultsRoot, Path dataDir, Path baseDir, java.util.Map<String, String> env, boolean retrain) {}

    /** Where the run went and what it measured. */
    public record Result(Path runDir, MetricsDocument metrics) {}

    private final RunLog log;
    /** Samples certified and fooled in this run, found by {@link Contradictions}: a run with any fails once its folder is written. */
    private final List<String> contradictions = new ArrayList<>();

    public ExperimentRunner(RunLog log) {
        this.log = log;
    }

    /** Runs an experiment read from {@code experimentFile} as it is (no overrides). */
    public Result run(ExperimentSpec spec, Path experimentFile, Options options) {
        return run(spec, ExperimentFile.of(experimentFile), options);
    }

    /** Runs {@code spec}, read from {@code source}, whose file and overrides are named in errors found against the data. */
    public Result run(ExperimentSpec spec, ExperimentFile source, Options options) {
        Path experimentFile = source.path();
        Instant started = Instant.now();
        contradictions.clear();
        ModelCache cache = ModelCache.fromEnvironment(options.env());
        OutputFolder.checkWritable(options.resultsRoot(), "--results-dir");
        OutputFolder.checkWritable(cache.root(), "model cache (BENCH_CACHE)");
        int threads = Engines.configure(spec.evaluation().threads());
        PhaseTimer phases = new PhaseTimer();
        List<ModelSource> sources = modelSources(spec, options, source);
        java.util.Map<Integer, ModelSource> transferSources = transferSources(spec, options, source);
        plannedAttacks(spec); // every attack builds before any work
        Dataset data = phases.time("data", () -> loadData(spec, options, source));
        checkAgainstData(spec, sources, data, source);
        checkTransferSources(transferSources, data, source);
        log.info(String.format("data: %s, %d training and %d test images of %s, %d classes", data.name(), data.train().count(),
                data.test().count(), data.shape().describeImage(), data.shape().classes()));
        LabeledImages attacked = spec.evaluation().of(data.test());
        if (attacked.count() < data.test().count()) {
            log.info("evaluation: the first " + attacked.count() + " of the " + data.test().count() + " test images (evaluation.samples)");
        }
        if (spec.outputs().gridSamples() > data.test().count()) {
            log.info("outputs.grid_samples: " + spec.outputs().gridSamples() + " is more than the " + data.test().count()
                    + " test images; the grid shows " + data.test().count());
        }

        // the input is all checked: now a word if the cores are busy, before the work they would slow
        String busy = BusyMachine.check(spec.evaluation().threads());
        if (busy != null) {
            log.info("warning: " + busy);
        }
        RunFolder folder = RunFolder.create(options.resultsRoot(), spec.name());
        log.attachFile(folder.path("run.log.partial"));
        log.info("run folder " + folder.dir());
        String config = ExperimentLoader.resolvedConfig(spec);
        folder.writeString("config.yaml", config);
        ModelProvider provider = new ModelProvider(cache, options.retrain(), log);
        List<ModelProvider.Provided> models = new ArrayList<>();
        java.util.Map<Integer, ModelProvider.Provided> sourceModels = new java.util.TreeMap<>();
        try {
            phases.run("training", () -> {
                sources.forEach(s -> models.add(provider.provide(s, data)));
                transferSources.forEach((i, s) -> sourceModels.put(i, provider.provide(s, data)));
            });
            List<PlannedAttack> attacks = plannedAttacks(spec, sourceModels);
            RunRecorder recorder = new RunRecorder(folder);
            List<ModelRun> runs = phases.time("evaluation", () -> java.util.stream.IntStream.range(0, models.size())
                    .mapToObj(i -> evaluate(models.get(i), sources.get(i).start().origin(), recorder, attacked, attacks, spec)).toList());
            RunRecorder.Results results = new RunRecorder.Results(spec.name(), spec.seed(), ExperimentLoader.sha256(config),
                    experimentFile.toAbsolutePath().toString(), data.provenance(), data.shape(), data.train().count(),
                    attacked.count(), models.get(0).model().architecture(), runs);
            MetricsDocument metrics = phases.time("report", () -> {
                MetricsDocument doc = recorder.write(results);
                int drawn = Figures.renderOwn(folder.dir(), spec.outputs().figureOptions()).written().size();
                log.info("figures and tables: " + drawn + " files (" + String.join(", ", spec.outputs().formats()) + ", tex, md)");
                return doc;
            });
            runs.forEach(r -> stageSeconds(r, phases));
            recorder.writeManifest(results, Manifest.Environment.current(threads, experimentFile.toAbsolutePath().getParent()),
                    started.toString(), Instant.now().toString(), phases.seconds());
            log.info(String.format("done in %.1f s", phases.totalSeconds()));
            log.complete(folder.path("run.log"));
            if (!contradictions.isEmpty()) {
                // the run folder is complete and holds the evidence; the run itself must not pass
                throw new advbench.RunFailure(contradictions.size() + " contradictions between certificates and attacks (a bug): "
                        + contradictions.get(0) + "; run folder " + folder.dir());
            }
            return new Result(folder.dir(), metrics);
        } finally {
            models.forEach(ModelProvider.Provided::close);
            sourceModels.values().forEach(ModelProvider.Provided::close);
            log.close();
        }
    }

    /**
     * The source models of the transfer attacks, by attack index: each a model section of its own
     * ({@code attacks[i].source}), found and read before any data is loaded.
     */
    static java.util.Map<Integer, ModelSource> transferSources(ExperimentSpec spec, Options options, ExperimentFile source) {
        java.util.Map<Integer, ModelSource> out = new java.util.TreeMap<>();
        for (int i = 0; i < spec.attacks().size(); i++) {
            if (spec.attacks().get(i) instanceof AttackEntry e && e.source() != null) {
                try {
                    out.put(i, ModelSources.transferSource(spec, e.source(), options.baseDir(), "source of " + e.label()));
                } catch (SpecException ex) {
                    throw source.located("attacks[" + i + "].source." + ex.field(), ex.getMessage());
                }
            }
        }
        return out;
    }

    /** A transfer source must take the data's images and give its classes, as the evaluated model does. */
    private static void checkTransferSources(java.util.Map<Integer, ModelSource> sources, Dataset data, ExperimentFile file) {
        sources.forEach((i, s) -> {
            try {
                ModelProvider.checkFits(s, data);
            } catch (UserError e) {
                throw file.located("attacks[" + i + "].source", "the transfer source " + e.getMessage());
            }
        });
    }

    /** The experiment's attacks with their transfer sources, once the source models are there. */
    static List<PlannedAttack> plannedAttacks(ExperimentSpec spec, java.util.Map<Integer, ModelProvider.Provided> sources) {
        List<PlannedAttack> planned = new ArrayList<>(plannedAttacks(spec));
        sources.forEach((i, m) -> {
            AttackEntry e = (AttackEntry) spec.attacks().get(i);
            planned.set(i, new PlannedAttack(e.build(spec.seed(), m.model()), spec.epsilonsFor(e), null));
        });
        return List.copyOf(planned);
    }

    /**
     * The experiment's attacks as the run sweeps them, each with its epsilons and the longer run
     * the convergence indicator compares it with; built before any work, so that a spec that
     * cannot build its attack stops the run before a file is written.
     */
    public static List<PlannedAttack> plannedAttacks(ExperimentSpec spec) {
        return spec.attacks().stream()
                .map(a -> new PlannedAttack(a.build(spec.seed()), spec.epsilonsFor(a),
                        a.twiceTheSteps() == null ? null : a.twiceTheSteps().build(spec.seed()))).toList();
    }

    /**
     * The data stage for an experiment, found the way a run finds it (option, file, $BENCH_DATA,
     * cache, download). A field the data rules out (a subset larger than the data) is reported at
     * its line in {@code experimentFile}.
     */
    public Dataset loadData(ExperimentSpec spec, Options options, ExperimentFile source) {
        try {
            return new DataLoader(options.env(), log::info).load(spec.dataset().request(options.baseDir(), options.dataDir(),
                    spec.seed()));
        } catch (SpecException e) {
            throw source.located("dataset." + e.field(), e.getMessage());
        }
    }

    /**
     * The experiment's models, their files found and read (a TorchScript file's or an earlier
     * run's weights, by SHA-256) before any data is loaded; a missing one is reported at its line.
     */
    public static List<ModelSource> modelSources(ExperimentSpec spec, Options options, ExperimentFile source) {
        try {
            return ModelSources.of(spec, options.baseDir());
        } catch (SpecException e) {
            throw source.located("model." + e.field(), e.getMessage());
        }
    }

    /**
     * What only the data can tell: target classes, L2 budgets, a hold-out that leaves training
     * images, preprocessing for each channel, and whether each model can take the images.
     */
    private static void checkAgainstData(ExperimentSpec spec, List<ModelSource> sources, Dataset data, ExperimentFile file) {
        ModelSpec.PreprocessingSpec p = spec.model().preprocessing();
        if (p != null && p.mean().size() != data.shape().channels()) {
            throw file.located("model.preprocessing.mean", "gives " + p.mean().size() + " values, but the images have "
                    + data.shape().channels() + (data.shape().channels() == 1 ? " channel" : " channels") + "; give one mean and std per channel");
        }
        if (spec.defence() != null && spec.defence().holdout() >= data.train().count()) {
            throw file.located("defence.holdout", spec.defence().holdout() + " would leave no training images"
                    + " (the training set has " + data.train().count() + ")");
        }

        for (int i = 0; i < spec.attacks().size(); i++) {
            AttackSpec a = spec.attacks().get(i);
            try {
                a.checkAgainst(data.shape(), spec.epsilonsFor(a));
            } catch (SpecException e) {
                String field = a.epsilons() == null && e.field().startsWith("epsilons") ? e.field() : "attacks[" + i + "]." + e.field();
                throw file.located(field, e.getMessage());
            }
        }
        ModelSpec m = spec.model();
        String field = m.file() != null ? "model.file" : m.run() != null ? "model.run" : "model.architecture";
        // a loaded model's messages start with a verb: the file or run names their subject
        String subject = m.file() != null ? m.file() + " " : m.run() != null ? "the model of " + m.run() + " " : "";
        for (ModelSource source : sources) {
            try {
                ModelProvider.checkFits(source, data);
            } catch (UserError e) {
                throw file.located(field, subject + e.getMessage());
            }
            boolean opaque = source.start() instanceof ModelSource.TorchScriptFile
                    || source.start() instanceof ModelSource.SavedWeights saved && !advbench.model.Architectures.exists(saved.architecture());
            if (spec.certify() != null && spec.certify().bounds() != null && opaque) {
                throw file.located("certify.bounds", spec.certify().bounds() + " needs a network built here, whose layers it bounds one by"
                        + " one; " + subject + "is TorchScript, whose layers are opaque (certify.smoothing certifies any model)");
            }
            if (spec.defence() != null && spec.defence().certifiedTraining() && opaque) {
                throw file.located("defence.method", spec.defence().method() + " trains on certified bounds of a network built here; "
                        + subject + "is TorchScript, whose layers are opaque");
            }
        }
    }

    /** Each ensemble stage's wall time, summed over the batches, as parts of the evaluation phase of the manifest. */
    private static void stageSeconds(ModelRun run, PhaseTimer phases) {
        for (var a : run.evaluation().attacks()) {
            if (a.ensemble() == null) {
                continue;
            }
            for (int k = 0; k < a.perEpsilon().size(); k++) {
                for (var c : a.ensemble().costs().get(k).subList(1, a.stages().size())) {
                    phases.record("evaluation: " + run.label() + ", " + a.attack() + " at eps " + a.perEpsilon().get(k).epsilon() + ", "
                            + c.stage(), c.seconds());
                }
            }
        }
    }

    /** Saves the model's weights into the run folder and sweeps every attack over the test set. */
    private ModelRun evaluate(ModelProvider.Provided provided, ModelSource.Origin origin, RunRecorder recorder, LabeledImages test,
                              List<PlannedAttack> attacks, ExperimentSpec spec) {
        String weights = recorder.saveWeights(provided.label(), provided.model());
        // the model section's input transformation is part of what is evaluated, not of what was trained
        ModelProvider.Provided m = spec.model().transform() == null ? provided
                : provided.evaluatedAs(provided.model().defendedBy(spec.model().transform().transform()));
        log.info("evaluating " + m.label() + (spec.model().transform() == null ? "" : " behind " + m.model().transform().label()));
        // the attacks draw from their own seeded streams; this seeds what a randomised model draws in libtorch
        Engines.seed(spec.seed());
        Evaluation evaluation = new Evaluator(spec.evaluation().batchSize(), spec.evaluation().sweep(), log)
                .evaluate(m.model(), test, attacks, spec.outputs().gridSamples());
        Metrics metrics = MetricsCalculator.compute(evaluation);
        if (spec.certify() != null) {
            metrics = certify(m, test, evaluation, metrics, spec);
        }
        Summary.lines(m.label(), metrics).forEach(log::info);
        int indicatorSamples = spec.evaluation().indicatorSamples();
        List<LossTrace> traces = List.of();
        if (indicatorSamples > 0) { // after the attacks, so a failure here cannot cost their numbers
            Engines.seed(spec.seed());
            FailureIndicators.Report report = new FailureIndicators(spec.evaluation().batchSize(), log)
                    .measure(m.model(), test, evaluation, attacks, indicatorSamples, spec.seed());
            FailureIndicators.verdict(m.label(), report.indicators()).forEach(log::info);
            metrics = metrics.withIndicators(report.indicators());
            traces = report.traces();
        }
        return new ModelRun(m.label(), m.cacheKey(), weights, m.model().architecture(), m.model().preprocessing(), origin, m.training(),
                m.trainSamples(), m.holdoutSamples(), evaluation, metrics, traces);
    }

    /**
     * The certify section on one model: certified bounds at its epsilons (checked against every
     * attack: a sample certified and fooled is a bug, said as loudly as the run can), and
     * randomized smoothing at each sigma, after the attacks so that nothing here can cost them.
     */
    private Metrics certify(ModelProvider.Provided m, LabeledImages test, Evaluation evaluation, Metrics metrics, ExperimentSpec spec) {
        CertifySpec c = spec.certify();
        Certifier certifier = new Certifier(log);
        List<Metrics.Certified> bounds = null;
        List<String> contradictions = List.of();
        if (c.bounds() != null) {
            CertifiedOutcome outcome = certifier.bounds(m.model(), test, c.boundMethod(), c.epsilonsOr(spec.epsilons()), c.batchSize());
            bounds = List.of(CertificateMetrics.bounds(outcome, metrics.worstCase()));
            contradictions = Contradictions.find(evaluation, outcome);
            contradictions.forEach(line -> log.info("ERROR (" + m.label() + "): " + line));
            this.contradictions.addAll(contradictions);
        }
        List<Metrics.Smoothed> smoothed = null;
        if (c.smoothing() != null) {
            CertifySpec.SmoothingSpec s = c.smoothing();
            smoothed = new ArrayList<>();
            for (double sigma : s.sigma()) {
                Smoothing smoothing = new Smoothing(new Smoothing.Settings(sigma, s.n0(), s.n(), s.alpha(), s.batchSize()), spec.seed());
                smoothed.add(CertificateMetrics.smoothing(certifier.smoothing(m.model(), test, smoothing, s.samples())));
            }
            smoothed = List.copyOf(smoothed);
        }
        return metrics.withCertificates(bounds, smoothed, contradictions);
    }
}
