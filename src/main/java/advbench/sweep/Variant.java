package advbench.sweep;

import advbench.experiment.ExperimentSpec;
import advbench.experiment.FieldOverride;
import java.util.List;

/**
 * One run of a sweep: the base experiment with some fields changed.
 *
 * @param index its number in the sweep, 0 first: its folder, its Slurm array task
 * @param overrides what it changes in the base (the seed first, then the grid's keys)
 * @param label the changes as a reader reads them, e.g. "seed=3 model.architecture=madry-cnn"
 * @param spec the experiment it runs
 */
public record Variant(int index, List<FieldOverride> overrides, String label, ExperimentSpec spec) {}
