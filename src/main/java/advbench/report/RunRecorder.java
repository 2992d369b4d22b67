package advbench.report;

import advbench.Json;
import advbench.data.DataProvenance;
import advbench.data.DataShape;
import advbench.model.Classifier;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

/**
 * The record stage: writes a finished run's files into its folder, each under a temporary name
 * and renamed, the manifest last (a folder without one was interrupted). The figures are drawn
 * afterwards from these files, by the same code as {@code bench figures}.
 */
public final class RunRecorder {
    private final RunFolder folder;

    public RunRecorder(RunFolder folder) {
        this.folder = folder;
    }

    /**
     * Saves a model's weights into the run folder, the baseline's at its top and an adversarially
     * trained model's in {@code defended/}: DJL writes them into a temporary folder, and the file
     * is renamed into place whole. Returns the file, relative to the run folder.
     */
    public String saveWeights(String label, Classifier model) {
        String file = (label.equals(ModelRun.BASELINE) ? "" : "defended/") + model.weights().fileName();
        Path target = folder.dir().resolve(file);
        Path tmp = null;
        try {
            tmp = Files.createTempDirectory(folder.dir(), ".weights");
            model.weights().save(tmp);
            Files.createDirectories(target.getParent());
            Files.move(tmp.resolve(model.weights().fileName()), target, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException | UncheckedIOException e) {
            throw new UncheckedIOException("cannot write " + target, e instanceof IOException io ? io : ((UncheckedIOException) e).getCause());
        } finally {
            deleteQuietly(tmp);
        }
        return file;
    }

    /** A temporary folder and what is in it; a leftover is hidden and never taken for a result. */
    private static void deleteQuietly(Path dir) {
        if (dir == null || !Files.exists(dir)) {
            return;
        }
        try (var files = Files.walk(dir)) {
            for (Path p : files.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException ignored) {
            // nothing more to do: the folder's name starts with a dot
        }
    }

    /**
     * What a run was and what it measured.
     *
     * @param trainSamples the training set's size (a defended model trains on it less its hold-out)
     * @param models the baseline first, then the defended model if any
     */
    public record Results(String experiment, int seed, String configSha256, String experimentFile, DataProvenance data,
                          DataShape shape, int trainSamples, int testSamples, String architecture, List<ModelRun> models) {}

    /**
     * metrics.json, the CSV tables, examples.json, predictions.csv and, with a minimum-norm attack,
     * minimal-norms.csv; with the indicators of attack failure, loss-traces.csv.
     */
    public MetricsDocument write(Results run) {
        MetricsDocument doc = document(run);
        folder.write("metrics.json", out -> Json.MAPPER.writeValue(out, doc));
        MetricsCsv.Identity identity = new MetricsCsv.Identity(run.experiment(), folder.runId(), run.seed(), run.configSha256());
        folder.writeString(MetricsCsv.FILE, MetricsCsv.metrics(identity, run.models()));
        folder.writeString(MetricsCsv.PER_CLASS_FILE, MetricsCsv.perClass(identity, run.shape(), run.models()));
        SavedExamples examples = SavedExamples.of(run.models());
        folder.write(SavedExamples.FILE, examples::writeTo);
        folder.writeString(SavedPredictions.FILE, SavedPredictions.of(run.models()).toCsv());
        String minimalNorms = MinimalNormsCsv.of(run.models());
        if (minimalNorms != null) {
            folder.writeString(MinimalNormsCsv.FILE, minimalNorms);
        }
        Map<String, List<advbench.eval.LossTrace>> byModel = new java.util.LinkedHashMap<>();
        run.models().forEach(m -> byModel.put(m.label(), m.lossTraces()));
        String traces = SavedLossTraces.toCsv(byModel);
        if (traces != null) {
            folder.writeString(SavedLossTraces.FILE, traces);
        }
        return doc;
    }

    /** manifest.json, the last file of a complete run: the parts each stage owns, and the timings. */
    public void writeManifest(Results run, Manifest.Environment environment, String started, String finished,
                              Map<String, Double> phaseSeconds) {
        List<Manifest.ModelProvenance> models = new ArrayList<>();
        for (ModelRun m : run.models()) {
            models.add(new Manifest.ModelProvenance(m.label(), m.cacheKey(), m.weightsFile(), sha256(folder.dir().resolve(m.weightsFile())),
                    m.architecture(), m.preprocessing(), m.origin()));
        }
        Manifest manifest = new Manifest(run.experiment(), folder.runId(), "complete", run.seed(), run.configSha256(),
                run.experimentFile(), run.data(), List.copyOf(models), environment, started, finished, phaseSeconds);
        folder.write(SavedRun.MANIFEST, out -> Json.MAPPER.writeValue(out, manifest));
    }

    static MetricsDocument document(Results run) {
        ModelRun base = run.models().get(0);
        ModelRun defended = run.models().size() > 1 ? run.models().get(1) : null;
        var m = base.metrics();
        return new MetricsDocument(run.experiment(), run.seed(), run.data().dataset(), run.shape(), run.trainSamples(),
                run.testSamples(), run.architecture(), base.training().history(), m.clean(), m.attacks(), m.worstCase(),
                m.gradientCheck(), m.warnings(), m.indicators(), m.certified(), m.smoothing(), defended == null ? null
                        : new MetricsDocument.Defended(defended.label(), defended.trainSamples(), defended.holdoutSamples(),
                        defended.training().history(), defended.training().keptEpoch(), defended.training().overfitting(),
                        defended.metrics().clean(), defended.metrics().attacks(), defended.metrics().worstCase(),
                        defended.metrics().gradientCheck(), defended.metrics().warnings(), defended.metrics().indicators(),
                        defended.metrics().certified(), defended.metrics().smoothing()));
    }

    /** Lower-case hex SHA-256 of a file. */
    public static String sha256(Path file) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file)));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
