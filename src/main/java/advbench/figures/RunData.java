package advbench.figures;

import advbench.data.DataShape;
import advbench.eval.Metrics;
import advbench.report.MetricsDocument;
import advbench.report.SavedExamples;
import advbench.report.SavedPredictions;
import advbench.report.SavedRun;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A finished run as the figures see it: accuracy curves per model, the data's shape and class
 * names, the resolved config (to tell runs that differ only in seed), and, for runs made since
 * they are saved, the grid's images and the per-sample predictions. Made from the typed
 * {@link SavedRun}; nothing here touches a model.
 *
 * @param configWithoutSeed config.yaml less its seed: equal for runs of one configuration; null
 *     when the run has no config.yaml
 * @param examples examples.json, or null for a run made before it was saved
 * @param predictions predictions.csv, or null for a run made before it was saved
 * @param lossTraces loss-traces.csv per model, or null when the run has none
 */
public record RunData(Path dir, String experiment, int seed, DataShape shape, JsonNode configWithoutSeed, List<ModelResult> models,
                      SavedExamples examples, SavedPredictions predictions, java.util.Map<String, List<advbench.eval.LossTrace>> lossTraces) {

    /**
     * One accuracy curve: an attack (or the worst case) over its epsilons, accuracies in [0, 1];
     * for a minimum-norm attack also the corners of its continuous step curve, else null.
     */
    public record Curve(String attack, String norm, List<double[]> points, List<double[]> steps) {

        public Curve(String attack, String norm, List<double[]> points) {
            this(attack, norm, points, null);
        }
    }

    /**
     * One model of a run: the baseline, or the adversarially trained model named after its
     * defence method.
     *
     * @param confusion clean confusion matrix, [true][predicted]
     * @param certified certified accuracy curves (IBP, CROWN-IBP), named "certified (method)"; empty when none
     * @param smoothing randomized smoothing's certified-accuracy curves over the L2 radius; empty when none
     */
    public record ModelResult(String name, double cleanAccuracy, int[][] confusion, List<Curve> attacks, List<Curve> worstCase,
                              List<Curve> certified, List<Smoothed> smoothing) {

        public Curve attack(String attack) {
            return attacks.stream().filter(c -> c.attack().equals(attack)).findFirst().orElse(null);
        }
    }

    /** Smoothing at one sigma: certified accuracy against the L2 radius, as step corners [radius, accuracy]. */
    public record Smoothed(double sigma, int samples, List<double[]> corners) {}

    public String runId() {
        return SavedRun.runIdOf(dir);
    }

    public ModelResult model(String name) {
        return models.stream().filter(m -> m.name().equals(name)).findFirst().orElse(null);
    }

    /** Loads a finished run folder; anything that is not one is a user error (exit 2). */
    public static RunData load(Path dir) {
        return of(SavedRun.read(dir));
    }

    public static RunData of(SavedRun run) {
        MetricsDocument m = run.metrics();
        List<ModelResult> models = new ArrayList<>();
        for (MetricsDocument.ModelMetrics model : m.models()) {
            List<Curve> attacks = model.attacks().stream().map(c -> new Curve(c.attack(), c.norm(),
                    c.points().stream().map(p -> new double[] {p.epsilon(), p.accuracy()}).toList(),
                    c.minimalNorms() == null ? null : c.minimalNorms().curve())).toList();
            List<Curve> worst = model.worstCase() == null ? List.of() : model.worstCase().stream().map(w -> new Curve(
                    AccuracyData.WORST_CASE, w.norm(), w.points().stream().map(p -> new double[] {p.epsilon(), p.accuracy()}).toList()))
                    .toList();
            List<Curve> certified = model.certified().stream().map(c -> new Curve(AccuracyData.certifiedName(c.method()), c.norm(),
                    c.points().stream().map(p -> new double[] {p.epsilon(), p.accuracy()}).toList())).toList();
            List<Smoothed> smoothing = model.smoothing().stream().map(sm -> new Smoothed(sm.sigma(), sm.samples(), sm.curve())).toList();
            Metrics.Clean clean = model.clean();
            models.add(new ModelResult(model.name(), clean.accuracy(), clean.confusionMatrix(), attacks, worst, certified, smoothing));
        }
        JsonNode config = run.config() == null ? null : run.config().deepCopy();
        if (config instanceof ObjectNode object) {
            object.remove("seed");
        }
        return new RunData(run.dir(), run.experiment(), m.seed(), m.shapeOrMnist(), config, List.copyOf(models), run.examples(),
                run.predictions(), run.lossTraces());
    }
}
