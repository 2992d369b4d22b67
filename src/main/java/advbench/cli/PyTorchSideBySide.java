package advbench.cli;

import advbench.Json;
import advbench.RunLog;
import advbench.UserError;
import advbench.benchmark.PyTorchComparison;
import advbench.benchmark.SameWork;
import advbench.data.DataLoader;
import advbench.data.DataLocator;
import advbench.data.DataRequest;
import advbench.data.Dataset;
import advbench.data.Downloader;
import advbench.data.KnownDatasets;
import advbench.model.Engines;
import advbench.report.OutputFolder;
import advbench.report.RunFolder;
import advbench.sweep.LocalSweep;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine;

/**
 * {@code bench benchmark --vs-pytorch}: the same work in the workbench and in eager PyTorch
 * (scripts/pytorch-baseline.py), each side a fresh process, pair by pair (see
 * {@link PyTorchComparison}); and the workbench's side of it, run by that comparison as
 * {@code bench benchmark --phase train|fgsm-sweep}. The PyTorch side trains its own model and
 * sweeps it; the workbench's sweeps the model its training phase saved.
 */
final class PyTorchSideBySide {
    private static final String SCRIPT = "scripts/pytorch-baseline.py";
    private final BenchmarkCommand options;

    PyTorchSideBySide(BenchmarkCommand options) {
        this.options = options;
    }

    /** One timed phase in this process; its JSON line goes to stdout, last. */
    int phase(String phase, Path modelDir) {
        if (!phase.equals("train") && !phase.equals("fgsm-sweep") || modelDir == null) {
            throw new CommandLine.ParameterException(options.spec.commandLine(), "--phase takes train or fgsm-sweep, with --model-dir");
        }
        Engines.configure(threads());
        RunLog log = new RunLog(System.err);
        Dataset data = new DataLoader(System.getenv(), log::info).load(new DataRequest("mnist", options.run.dataDir, null, null, null, 0, 0, 1));
        SameWork.Timing timing;
        if (phase.equals("train")) {
            try {
                Files.createDirectories(modelDir);
            } catch (IOException e) {
                throw new UserError("--model-dir: cannot create " + modelDir + ": " + advbench.Errors.reason(e));
            }
            timing = SameWork.train(data.train(), data.test(), modelDir, 1, log);
        } else {
            timing = SameWork.fgsmSweep(data.test(), modelDir, log);
        }
        try {
            System.out.println(Json.MAPPER.writer().without(com.fasterxml.jackson.databind.SerializationFeature.INDENT_OUTPUT).writeValueAsString(Map.of("phase", timing.phase(), "seconds", timing.seconds(),
                    "detail_seconds", timing.detailSeconds(), "accuracies", timing.accuracies(), "threads", threads())));
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        return 0;
    }

    /** Both phases, pair by pair; the table is printed and written to results/benchmark/RUN-ID/. */
    int compare() {
        CommandLine cl = options.spec.commandLine();
        if (options.pairs < 1 || options.pairs > 20) {
            throw new CommandLine.ParameterException(cl, "--pairs must be between 1 and 20, got " + options.pairs);
        }
        if (options.run.threads != null && options.run.threads < 0) {
            throw new CommandLine.ParameterException(cl, "--threads must be 0 (all cores) or a positive number, got " + options.run.threads);
        }
        Map<String, Double> recorded = options.pytorchFigures == null ? null : PyTorchComparison.recorded(options.pytorchFigures);
        if (recorded != null) {
            for (String phase : List.of("train", "fgsm-sweep")) {
                if (!recorded.containsKey(phase)) {
                    throw new UserError("--pytorch-figures: " + options.pytorchFigures + " has no \"" + phase + "\" line; it has " + recorded.keySet());
                }
            }
        }
        Path script = script();
        if (recorded == null) {
            checkPython();
        }
        OutputFolder.checkWritable(options.run.resultsDir, "--results-dir");
        RunLog log = new RunLog(System.err);
        Path dataDir = DataLocator.fromEnvironment(options.run.dataDir, System.getenv(), new Downloader(Duration.ofSeconds(10), log::info))
                .locate(KnownDatasets.byName("mnist").orElseThrow()).get(0).getParent();
        RunFolder folder = RunFolder.create(options.run.resultsDir, "benchmark");
        Path ourModel = folder.dir().resolve("workbench-model");
        Path theirModel = folder.dir().resolve("pytorch-model.pt");
        String threads = Integer.toString(threads());
        PyTorchComparison comparison = new PyTorchComparison(folder.dir().resolve("processes.log"), log);
        List<String> java = join(LocalSweep.javaCommand(),
                List.of("benchmark", "--threads", threads, "--data-dir", dataDir.toString(), "--model-dir", ourModel.toString(), "--phase"));
        List<String> py = List.of(options.python, script.toString());
        List<String> common = List.of("--data-dir", dataDir.toString(), "--threads", threads);
        log.info("same work side by side: " + options.pairs + " pairs per phase, " + threads + " threads; processes' output in "
                + folder.dir().resolve("processes.log"));
        List<PyTorchComparison.Row> rows = new ArrayList<>();
        rows.add(comparison.measure("train", "small CNN, " + SameWork.EPOCHS + " epochs, batch " + SameWork.TRAINING_BATCH + ", Adam",
                join(java, List.of("train")),
                join(py, List.of("train"), common, List.of("--epochs", Integer.toString(SameWork.EPOCHS),
                        "--batch-size", Integer.toString(SameWork.TRAINING_BATCH), "--save-model", theirModel.toString())),
                recorded == null ? null : recorded.get("train"), options.pairs));
        rows.add(comparison.measure("fgsm-sweep", "FGSM, 7 eps, 10,000 images, batch " + SameWork.SWEEP_BATCH,
                join(java, List.of("fgsm-sweep")),
                join(py, List.of("fgsm-sweep"), common, List.of("--batch-size", Integer.toString(SameWork.SWEEP_BATCH),
                        "--model", theirModel.toString())),
                recorded == null ? null : recorded.get("fgsm-sweep"), options.pairs));
        String table = PyTorchComparison.table(rows, threads + " threads, " + Runtime.getRuntime().availableProcessors() + " cores");
        System.out.print(table);
        folder.write("side-by-side.txt", out -> out.write(table.getBytes(StandardCharsets.UTF_8)));
        folder.write("side-by-side.json", out -> Json.MAPPER.writerWithDefaultPrettyPrinter().writeValue(out, rows));
        log.info("side-by-side comparison written to " + folder.dir());
        return 0;
    }

    private int threads() {
        return Engines.intraOpThreads(options.run.threads == null ? 0 : options.run.threads);
    }

    /** scripts/pytorch-baseline.py of this checkout: beside the jar's target/ folder, else under the working directory. */
    private static Path script() {
        try {
            Path code = Path.of(PyTorchSideBySide.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            Path beside = code.getParent().getParent().resolve(SCRIPT);
            if (Files.isRegularFile(beside)) {
                return beside;
            }
        } catch (java.net.URISyntaxException | RuntimeException e) {
            // not run from a jar or class folder of a checkout: try the working directory
        }
        Path here = Path.of(SCRIPT).toAbsolutePath();
        if (!Files.isRegularFile(here)) {
            throw new UserError("--vs-pytorch: cannot find " + SCRIPT + " (run from the project's folder)");
        }
        return here;
    }

    /** The Python must import torch and torchattacks before any work starts. */
    private void checkPython() {
        try {
            Process p = new ProcessBuilder(options.python, "-c", "import torch, torchattacks").redirectErrorStream(true).start();
            if (!p.waitFor(60, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new UserError("--vs-pytorch: " + options.python + " did not answer within 60 s");
            }
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
            if (p.exitValue() != 0) {
                String last = out.isEmpty() ? "exit " + p.exitValue() : out.substring(out.lastIndexOf('\n') + 1);
                throw new UserError("--vs-pytorch: " + options.python + " cannot import torch and torchattacks (" + last
                        + "); give --python, put torchattacks on PYTHONPATH, or pass recorded figures with --pytorch-figures FILE");
            }
        } catch (IOException e) {
            throw new UserError("--vs-pytorch: cannot run " + options.python + ": " + advbench.Errors.describe(e));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    @SafeVarargs
    private static List<String> join(List<String>... parts) {
        List<String> all = new ArrayList<>();
        for (List<String> part : parts) {
            all.addAll(part);
        }
        return all;
    }
}
