package advbench.experiment;

import advbench.data.Dataset;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;

/**
 * Everything that determines a model's trained weights (and its training record), as the input
 * of its {@link advbench.model.ModelCache} key. Attacks, epsilons and outputs are not part of
 * it: changing them reuses the weights.
 */
public final class TrainingInputs {
    private TrainingInputs() {}

    public static Map<String, Object> of(ExperimentSpec spec, Dataset data) {
        Map<String, Object> inputs = new TreeMap<>();
        Map<String, String> files = new TreeMap<>();
        // by file name, not path: the same data found in another folder gives the same key
        data.fileMd5s().forEach((path, md5) -> files.put(Path.of(path).getFileName().toString(), md5));
        inputs.put("dataset", data.name());
        inputs.put("data_md5", files);
        inputs.put("train_subset", spec.dataset().trainSubset());
        inputs.put("test_subset", spec.dataset().testSubset());
        inputs.put("seed", spec.seed());
        inputs.put("model", spec.model());
        return inputs;
    }
}
