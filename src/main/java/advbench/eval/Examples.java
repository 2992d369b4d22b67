package advbench.eval;

import advbench.attack.Adversarial;
import advbench.attack.Batch;
import advbench.attack.Sweep;
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

    /**
     * Attacks the first {@code count} test samples again, with the sweep's shortcuts. Every attack
     * gives a sample the same result alone as in a batch (random starts are drawn per sample), so
     * the grid shows exactly what the sweep measured.
     */
    public static Examples collect(Classifier model, LabeledImages test, int count, List<PlannedAttack> attacks, Sweep sweep) {
        int n = Math.min(count, test.count());
        LabeledImages samples = test.select(Evaluator.range(0, n));
        List<Row> rows = new ArrayList<>();
        for (PlannedAttack planned : attacks) {
            try (NDManager scope = model.manager().newSubManager()) {
                NDArray x = ImageBatch.of(scope, samples);
                Batch batch = new Batch(x, samples.labels(), Evaluator.range(0, n));
                for (Adversarial adv : planned.attack().run(model, batch, planned.epsilons(), sweep)) {
                    rows.add(new Row(planned.attack().name(), adv.epsilon(), adv.images().toFloatArray(), adv.predicted()));
                }
            }
        }
        return new Examples(samples, List.copyOf(rows));
    }
}
