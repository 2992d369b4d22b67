package advbench.experiment;

import advbench.report.ModelRun;
import advbench.train.ModelSource;
import advbench.train.Objective;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The models an experiment evaluates, as {@link ModelSource} values: the baseline its model
 * section trains, and the adversarially trained model of its defence section, if any.
 */
final class ModelSources {
    private ModelSources() {}

    static List<ModelSource> of(ExperimentSpec spec) {
        ModelSpec m = spec.model();
        List<ModelSource> sources = new ArrayList<>();
        Map<String, Object> inputs = cacheInputs(spec);
        sources.add(new ModelSource.Trained(ModelRun.BASELINE, m.architecture(), m.plan(), Objective.standard(), 0, 0, spec.seed(),
                "training " + m.architecture() + " for " + m.epochs() + " epochs", inputs));
        DefenceSpec d = spec.defence();
        if (d != null) {
            Map<String, Object> defended = new TreeMap<>(inputs);
            defended.put("defence", d);
            sources.add(new ModelSource.Trained(d.method(), m.architecture(), d.plan(m), d.objective(spec.seed()), d.holdout(),
                    d.epsilon(), spec.seed(), String.format("adversarial training (%s, eps %s, %d steps, %s) of %s for %d epochs",
                            d.method(), d.epsilon(), d.steps(), d.step(), m.architecture(), d.epochs()), defended));
        }
        return sources;
    }

    /**
     * Everything besides the data that determines the trained weights, as the model cache key's
     * inputs: attacks, epsilons and outputs are not part of it, so changing them reuses the weights.
     */
    static Map<String, Object> cacheInputs(ExperimentSpec spec) {
        Map<String, Object> inputs = new TreeMap<>();
        if (spec.dataset().classNames() != null) {
            // the names' count can exceed the largest label: it sets the model's outputs
            inputs.put("class_names", spec.dataset().classNames());
        }
        inputs.put("train_subset", spec.dataset().trainSubset());
        inputs.put("test_subset", spec.dataset().testSubset());
        inputs.put("seed", spec.seed());
        inputs.put("model", spec.model());
        return inputs;
    }
}
