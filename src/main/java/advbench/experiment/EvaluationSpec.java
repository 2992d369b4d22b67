package advbench.experiment;

import advbench.SpecException;
import advbench.eval.Sweep;

/**
 * How attacks are run; none of it changes which samples count as robust.
 *
 * @param batchSize images per attack batch
 * @param threads PyTorch intra-op threads, 0 for all cores (the command line's --threads wins)
 * @param skipDecided an epsilon sweep does not attack again a sample fooled at a smaller epsilon
 * @param earlyStop an iterative attack stops updating a sample at its first success
 * @param samples attack only the first this many test images (0: all), a stated subset as
 *                AutoAttack evaluations often use; training, its records and the model cache key
 *                are as without it, so cached weights are reused
 */
public record EvaluationSpec(Integer batchSize, Integer threads, Boolean skipDecided, Boolean earlyStop, Integer samples,
                             Integer indicatorSamples) {
    public static final EvaluationSpec DEFAULT = new EvaluationSpec(null, null, null, null, null, null);
    /** The subsample the indicators of attack failure run on, unless the file says otherwise. */
    public static final int INDICATOR_SAMPLES = 200;

    public EvaluationSpec(Integer batchSize, Integer threads, Boolean skipDecided, Boolean earlyStop) {
        this(batchSize, threads, skipDecided, earlyStop, null, null);
    }

    public EvaluationSpec {
        batchSize = SpecException.between(batchSize == null ? 500 : batchSize, 1, SpecException.MAX_BATCH, "batch_size");
        threads = SpecException.between(threads == null ? 0 : threads, 0, 1024, "threads");
        skipDecided = skipDecided == null || skipDecided;
        earlyStop = earlyStop == null || earlyStop;
        samples = SpecException.atLeast(samples == null ? 0 : samples, 0, "samples");
        indicatorSamples = SpecException.between(indicatorSamples == null ? INDICATOR_SAMPLES : indicatorSamples, 0, 100_000,
                "indicator_samples");
    }

    /** The test images attacked: the first {@code samples}, or all. */
    public advbench.data.LabeledImages of(advbench.data.LabeledImages test) {
        return samples > 0 && samples < test.count() ? test.first(samples) : test;
    }

    public Sweep sweep() {
        return new Sweep(skipDecided, earlyStop);
    }
}
