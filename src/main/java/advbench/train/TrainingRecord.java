package advbench.train;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;

/**
 * How a model was trained, as stored beside its cached weights and reported in metrics.json: one
 * entry per epoch, the epoch whose weights were kept, and catastrophic-overfitting events. Only
 * reproducible numbers: epoch timings stay in the log.
 */
public record TrainingRecord(List<Epoch> history, int keptEpoch, List<String> overfitting) {

    /** A model evaluated as it was loaded: no epochs here. */
    public static final TrainingRecord NONE = new TrainingRecord(List.of(), 0, List.of());

    /** @param holdoutRobustAccuracy PGD-10 accuracy on held-out training images (adversarial training) */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Epoch(int epoch, double loss, double trainAccuracy, double testAccuracy, Double holdoutRobustAccuracy) {
        public static Epoch of(EpochStats s) {
            return new Epoch(s.epoch(), s.meanLoss(), s.trainAccuracy(), s.testAccuracy(), s.holdoutRobustAccuracy());
        }
    }

    static TrainingRecord of(ModelTrainer.Result result) {
        return new TrainingRecord(result.history().stream().map(Epoch::of).toList(), result.bestEpoch(), result.overfitting());
    }
}
