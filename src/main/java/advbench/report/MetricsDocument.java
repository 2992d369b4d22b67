package advbench.report;

import advbench.eval.Metrics;
import advbench.train.EpochStats;
import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;

/**
 * The content of metrics.json. Only numbers that are reproducible: timings live in the manifest.
 * The top level describes the normally trained baseline; {@code defence}, when the experiment
 * has one, the adversarially trained model under the same attacks.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record MetricsDocument(String experiment, int seed, String dataset, int trainSamples, int testSamples,
                              String architecture, List<Epoch> training, Metrics.Clean clean,
                              List<Metrics.AttackCurve> attacks, List<Metrics.WorstCase> worstCase,
                              Metrics.GradientCheck gradientCheck, List<String> warnings, Defended defence) {

    /** @param holdoutRobustAccuracy PGD-10 accuracy on held-out training images (adversarial training) */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Epoch(int epoch, double loss, double trainAccuracy, double testAccuracy, Double holdoutRobustAccuracy) {
        public static Epoch of(EpochStats s) {
            return new Epoch(s.epoch(), s.meanLoss(), s.trainAccuracy(), s.testAccuracy(), s.holdoutRobustAccuracy());
        }
    }

    /**
     * The defended model.
     *
     * @param keptEpoch the epoch whose weights were kept (best held-out robust accuracy)
     * @param overfitting catastrophic-overfitting events seen during training
     */
    public record Defended(String method, int trainSamples, int holdoutSamples, List<Epoch> training, int keptEpoch,
                           List<String> overfitting, Metrics.Clean clean, List<Metrics.AttackCurve> attacks,
                           List<Metrics.WorstCase> worstCase, Metrics.GradientCheck gradientCheck, List<String> warnings) {}
}
