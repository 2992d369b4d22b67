package advbench.report;

import advbench.eval.Evaluation;
import advbench.eval.Metrics;
import advbench.train.TrainingRecord;

/**
 * One evaluated model, as the record of a run needs it: how it is named, where its weights came
 * from, how it was trained, and what the evaluation measured.
 *
 * @param label "baseline", or the defence method for an adversarially trained model
 * @param weightsFile its weights in the run folder, relative to it
 */
public record ModelRun(String label, String cacheKey, String weightsFile, TrainingRecord training, int trainSamples,
                       int holdoutSamples, Evaluation evaluation, Metrics metrics) {
    public static final String BASELINE = "baseline";
}
