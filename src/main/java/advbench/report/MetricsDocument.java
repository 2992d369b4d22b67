package advbench.report;

import advbench.eval.Metrics;
import advbench.train.EpochStats;
import java.util.List;

/**
 * The content of metrics.json. Only numbers that are reproducible: timings live in the manifest.
 */
public record MetricsDocument(String experiment, int seed, String dataset, int trainSamples, int testSamples,
                              String architecture, List<Epoch> training, Metrics.Clean clean,
                              List<Metrics.AttackCurve> attacks, List<Metrics.WorstCase> worstCase,
                              Metrics.GradientCheck gradientCheck, List<String> warnings) {

    public record Epoch(int epoch, double loss, double trainAccuracy, double testAccuracy) {
        public static Epoch of(EpochStats s) {
            return new Epoch(s.epoch(), s.meanLoss(), s.trainAccuracy(), s.testAccuracy());
        }
    }
}
