package advbench.eval;

import advbench.attack.Adversarial;
import advbench.attack.Attack;
import advbench.attack.Batch;
import advbench.data.LabeledImages;
import advbench.model.Classifier;
import advbench.model.ImageBatch;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.util.ArrayList;
import java.util.List;

/**
 * The adversarial versions of a few test samples, for the example grid: one row per attack and
 * epsilon, the same samples in every row.
 */
public record Examples(LabeledImages samples, List<Row> rows) {

    /** {@code pixels} holds the adversarial images of all samples, one after another. */
    public record Row(String attack, double epsilon, float[] pixels, int[] predicted) {}

    /** Attacks the first {@code count} test samples again; deterministic attacks reproduce the sweep exactly. */
    public static Examples collect(Classifier model, LabeledImages test, int count, List<Attack> attacks, List<Double> epsilons) {
        int n = Math.min(count, test.count());
        LabeledImages samples = test.select(Evaluator.range(0, n));
        List<Row> rows = new ArrayList<>();
        for (Attack attack : attacks) {
            try (NDManager scope = model.manager().newSubManager()) {
                NDArray x = ImageBatch.of(scope, samples);
                for (Adversarial adv : attack.run(model, new Batch(x, samples.labels(), Evaluator.range(0, n)), epsilons)) {
                    rows.add(new Row(attack.name(), adv.epsilon(), adv.images().toFloatArray(), adv.predicted()));
                }
            }
        }
        return new Examples(samples, List.copyOf(rows));
    }
}
