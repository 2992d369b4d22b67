package advbench.experiment;

/**
 * What to render besides the metrics.
 *
 * @param gridSamples how many test samples (the first of the test set) form the columns of the
 *     adversarial example grid
 */
public record OutputSpec(Integer gridSamples) {
    public static final OutputSpec DEFAULT = new OutputSpec(null);

    public OutputSpec {
        gridSamples = SpecException.atLeast(gridSamples == null ? 10 : gridSamples, 1, "grid_samples");
        if (gridSamples > 50) {
            throw new SpecException("grid_samples", "must be at most 50, got " + gridSamples);
        }
    }
}
