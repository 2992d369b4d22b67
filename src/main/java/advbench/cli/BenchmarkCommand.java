package advbench.cli;

import advbench.Json;
import advbench.RunLog;
import advbench.benchmark.Benchmark;
import advbench.benchmark.BenchmarkReport;
import advbench.benchmark.ResidentMemory;
import advbench.data.Dataset;
import advbench.data.LabeledImages;
import advbench.experiment.ExperimentLoader;
import advbench.experiment.ExperimentRunner;
import advbench.experiment.ModelSources;
import advbench.train.ModelProvider;
import advbench.experiment.ExperimentSpec;
import advbench.model.Architectures;
import advbench.model.Classifier;
import advbench.model.Engines;
import advbench.report.OutputFolder;
import advbench.report.RunFolder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.stream.IntStream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine;

/**
 * {@code bench benchmark}: the end-to-end time of an experiment (fgsm.yaml by default), then
 * throughput of each phase against a bare forward+backward pass, per architecture and on the
 * experiment's trained model, and peak resident memory; optionally resident memory over a long
 * PGD sweep. Prints a table and writes it, with a JSON copy, to results/benchmark/RUN-ID/.
 */
@Command(name = "benchmark", mixinStandardHelpOptions = true,
        description = "Measure attack and training throughput against a bare forward+backward pass, and memory.")
final class BenchmarkCommand implements Callable<Integer> {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--experiment", paramLabel = "FILE", defaultValue = "experiments/fgsm.yaml",
            description = "experiment timed end to end; its trained model is benchmarked too (default: ${DEFAULT-VALUE})")
    Path experiment;

    @Option(names = "--images", paramLabel = "N", defaultValue = "2000",
            description = "test images per architecture measurement (default: ${DEFAULT-VALUE})")
    int images;

    @Option(names = "--min-seconds", paramLabel = "S", defaultValue = "2",
            description = "each timing repeats its pass over the images until it has taken S seconds (default: ${DEFAULT-VALUE})")
    double minSeconds;

    @Option(names = "--memory-sweep", description = "also track resident memory over PGD-40 at 20 epsilons on the test set (long)")
    boolean memorySweep;

    @Option(names = "--memory-images", paramLabel = "N", defaultValue = "10000",
            description = "test images for --memory-sweep (default: ${DEFAULT-VALUE})")
    int memoryImages;

    @Option(names = "--vs-pytorch", description = "only time the same work side by side with eager PyTorch and torchattacks,"
            + " pair by pair: training the small CNN (2 epochs, batch 128) and fgsm.yaml's FGSM sweep (scripts/pytorch-baseline.py)")
    boolean vsPytorch;

    @Option(names = "--python", paramLabel = "CMD", defaultValue = "python3",
            description = "with --vs-pytorch: the Python that has torch and torchattacks (PYTHONPATH passes through; default: ${DEFAULT-VALUE})")
    String python;

    @Option(names = "--pytorch-figures", paramLabel = "FILE",
            description = "with --vs-pytorch: PyTorch's seconds recorded earlier (the JSON lines scripts/pytorch-baseline.py printed) instead of running it")
    Path pytorchFigures;

    @Option(names = "--pairs", paramLabel = "N", defaultValue = "3",
            description = "with --vs-pytorch: pairs per phase, the median reported (default: ${DEFAULT-VALUE})")
    int pairs;

    /** The side-by-side comparison's own process for one phase: train or fgsm-sweep. */
    @Option(names = "--phase", hidden = true)
    String phase;

    @Option(names = "--model-dir", hidden = true)
    Path modelDir;

    @Mixin
    RunOptions run;

    @Override
    public Integer call() {
        if (phase != null) {
            return new PyTorchSideBySide(this).phase(phase, modelDir);
        }
        if (vsPytorch) {
            return new PyTorchSideBySide(this).compare();
        }
        if (images < 1 || memoryImages < 1) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--images and --memory-images must be at least 1");
        }
        if (!(minSeconds >= 0 && minSeconds <= 600)) { // NaN and infinity fail too: a timing loop must end
            throw new CommandLine.ParameterException(spec.commandLine(), "--min-seconds must be between 0 and 600, got " + minSeconds);
        }
        RunLog log = new RunLog(System.err);
        ExperimentSpec loaded = ExperimentLoader.load(experiment);
        OutputFolder.checkWritable(run.resultsDir, "--results-dir");
        ExperimentSpec effective = run.effective(spec.commandLine(), loaded);
        ExperimentRunner.Options options = run.options(experiment);

        long start = System.nanoTime();
        ExperimentRunner.Result result = new ExperimentRunner(log).run(effective, experiment, options);
        double endToEnd = (System.nanoTime() - start) / 1e9;

        Dataset data = new ExperimentRunner(RunLog.silent()).loadData(effective, options, advbench.experiment.ExperimentFile.of(experiment));
        long seed = effective.seed();
        Benchmark bench = new Benchmark(effective.evaluation().batchSize(), minSeconds, log);
        LabeledImages test = data.test().first(images);
        LabeledImages train = data.train().first(images);
        List<Benchmark.ArchitectureRates> rates = new ArrayList<>();
        for (String name : Architectures.names()) {
            rates.add(bench.architecture(name, train, test, seed));
        }
        List<ResidentMemory.Sampler.Sample> memory = List.of();
        try (Classifier model = ModelProvider.open(ModelSources.savedBaseline(result.runDir()), data.shape(), log::info)) {
            String what = model.weights().torchScript() ? "TorchScript model of " + effective.name() : model.architecture() + ", trained by " + effective.name();
            rates.add(bench.trained(what, model, data.test(), seed));
            if (memorySweep) {
                List<Double> eps = IntStream.rangeClosed(1, 20).mapToObj(i -> i / 100.0).toList();
                memory = bench.memorySweep(model, data.test().first(memoryImages), eps, effective.evaluation().sweep(), seed);
            }
        }
        BenchmarkReport report = BenchmarkReport.of(effective.name(), Engines.intraOpThreads(effective.evaluation().threads()),
                result.runDir(), endToEnd, rates, memory);
        String table = report.table();
        System.out.print(table);
        RunFolder folder = RunFolder.create(run.resultsDir, "benchmark");
        folder.write("benchmark.txt", out -> out.write(table.getBytes(StandardCharsets.UTF_8)));
        folder.write("benchmark.json", out -> Json.MAPPER.writerWithDefaultPrettyPrinter().writeValue(out, report));
        log.info("benchmark written to " + folder.dir());
        return 0;
    }
}
