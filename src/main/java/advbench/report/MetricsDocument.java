package advbench.report;

import advbench.data.DataShape;
import advbench.eval.Metrics;
import advbench.train.TrainingRecord;
import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;

/**
 * The content of metrics.json. Only numbers that are reproducible: timings live in the manifest.
 * The top level describes the normally trained baseline; {@code defence}, when the experiment
 * has one, the adversarially trained model under the same attacks. {@link SavedRun} reads it
 * back as this record, so a run folder has one format and one reader.
 *
 * @param indicators indicators of attack failure measured on a subsample (absent when switched off
 *     with {@code evaluation.indicator_samples: 0}, and in runs made before they were measured)
 * @param dataShape channels, image size, classes and class names of the data (absent in runs made
 *     before it was recorded: those are 1x28x28 with 10 numbered classes)
 * @param certified certified accuracy (IBP, CROWN-IBP) beside the worst attack, when the experiment certifies
 * @param smoothing randomized smoothing's accuracies and certified radii, when the experiment smooths
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record MetricsDocument(String experiment, int seed, String dataset, DataShape dataShape, int trainSamples,
                              int testSamples, String architecture, List<TrainingRecord.Epoch> training, Metrics.Clean clean,
                              List<Metrics.AttackCurve> attacks, List<Metrics.WorstCase> worstCase,
                              Metrics.GradientCheck gradientCheck, List<String> warnings, List<Metrics.Indicator> indicators,
                              List<Metrics.Certified> certified, List<Metrics.Smoothed> smoothing, Defended defence) {

    /**
     * The defended model.
     *
     * @param keptEpoch the epoch whose weights were kept (best held-out robust accuracy)
     * @param overfitting catastrophic-overfitting events seen during training
     */
    public record Defended(String method, int trainSamples, int holdoutSamples, List<TrainingRecord.Epoch> training, int keptEpoch,
                           List<String> overfitting, Metrics.Clean clean, List<Metrics.AttackCurve> attacks,
                           List<Metrics.WorstCase> worstCase, Metrics.GradientCheck gradientCheck, List<String> warnings,
                           List<Metrics.Indicator> indicators, List<Metrics.Certified> certified, List<Metrics.Smoothed> smoothing) {}

    /**
     * One model's numbers, whichever part of the document holds them; {@code certified} and {@code
     * smoothing} are empty when the run did not certify (and in runs made before it could).
     */
    public record ModelMetrics(String name, Metrics.Clean clean, List<Metrics.AttackCurve> attacks, List<Metrics.WorstCase> worstCase,
                               List<Metrics.Certified> certified, List<Metrics.Smoothed> smoothing) {
        public ModelMetrics {
            certified = certified == null ? List.of() : certified;
            smoothing = smoothing == null ? List.of() : smoothing;
        }
    }

    /** The baseline, then the defended model if any, named as runs name them (baseline, the defence method). */
    public List<ModelMetrics> models() {
        ModelMetrics base = new ModelMetrics(ModelRun.BASELINE, clean, attacks, worstCase, certified, smoothing);
        return defence == null ? List.of(base)
                : List.of(base, new ModelMetrics(defence.method(), defence.clean(), defence.attacks(), defence.worstCase(),
                        defence.certified(), defence.smoothing()));
    }

    /** The data's shape; runs made before it was recorded were MNIST-like (1x28x28, 10 classes). */
    public DataShape shapeOrMnist() {
        return dataShape != null ? dataShape : new DataShape(1, 28, 28, clean.confusionMatrix().length, null);
    }
}
