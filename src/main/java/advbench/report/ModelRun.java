package advbench.report;

import advbench.eval.Evaluation;
import advbench.eval.LossTrace;
import advbench.eval.Metrics;
import advbench.model.Preprocessing;
import advbench.train.ModelSource;
import advbench.train.TrainingRecord;
import java.util.List;

/**
 * One evaluated model, as the record of a run needs it: how it is named, where its weights came
 * from, how it was trained, and what the evaluation measured.
 *
 * @param label "baseline", or the defence method for an adversarially trained model
 * @param weightsFile its weights in the run folder, relative to it
 * @param architecture the architecture built here, or "torchscript"
 * @param preprocessing the normalisation inside the model, or null
 * @param origin the file its weights started from, or null when trained from scratch
 * @param lossTraces the traced attack runs the indicators of attack failure read (empty when they are off)
 */
public record ModelRun(String label, String cacheKey, String weightsFile, String architecture, Preprocessing preprocessing,
                       ModelSource.Origin origin, TrainingRecord training, int trainSamples, int holdoutSamples, Evaluation evaluation,
                       Metrics metrics, List<LossTrace> lossTraces) {
    public static final String BASELINE = "baseline";
}
