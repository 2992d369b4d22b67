package advbench.eval;

import advbench.attack.Attack;
import advbench.attack.Batch;
import advbench.data.LabeledImages;
import advbench.model.Classifier;
import advbench.model.CrossEntropy;
import advbench.model.ImageBatch;
import ai.djl.ndarray.NDManager;
import java.util.List;

/**
 * The clean pass over the test set: per batch, one forward and backward pass (the input gradient
 * of the summed cross-entropy of the true labels) that gives the clean predictions and the
 * gradient check. It runs inside the batch loop of one attack, so that an attack whose own first
 * pass it is (untargeted FGSM, {@link Attack#reusesCleanPass}) takes it from the batch instead of
 * running it again: for fgsm.yaml's sweep that was a whole forward+backward pass over the test
 * set, plus a separate forward pass for the clean predictions. An attack that reuses the pass is
 * charged its time and passes, as if it had run the pass itself; another attack is not.
 */
final class CleanPass {
    /** A pass that never ran: nothing to subtract from an attack's charge. */
    static final CleanPass NONE = new CleanPass(0);

    private final int[] predicted;
    private final boolean[] zero;
    private final boolean[] nonFinite;
    private long nanos;
    private long forward;
    private long backward;

    CleanPass(int n) {
        this.predicted = new int[n];
        this.zero = new boolean[n];
        this.nonFinite = new boolean[n];
    }

    /** The attack whose batch loop the pass rides along: the first that reuses it, else the first; -1 for none. */
    static int host(List<PlannedAttack> attacks) {
        for (int i = 0; i < attacks.size(); i++) {
            if (attacks.get(i).attack().reusesCleanPass()) {
                return i;
            }
        }
        return attacks.isEmpty() ? -1 : 0;
    }

    /**
     * Runs the pass on a test batch whose first sample is test image {@code from}; returns the
     * batch carrying it. The pass's arrays belong to the batch's NDManager.
     */
    Batch run(Classifier model, Batch batch, int from) {
        long start = System.nanoTime();
        long forward0 = model.passes().forward();
        long backward0 = model.passes().backward();
        Classifier.Gradient pass = model.gradientOf(batch.images(), logits -> CrossEntropy.sum(logits, batch.labels()));
        System.arraycopy(Classifier.argMax(pass.logits()), 0, predicted, from, batch.size());
        GradientFaults.mark(pass.gradient().toFloatArray(), batch.pixelsPerImage(), zero, nonFinite, from);
        forward += model.passes().forward() - forward0;
        backward += model.passes().backward() - backward0;
        nanos += System.nanoTime() - start;
        return batch.withCleanPass(pass);
    }

    /** The pass on its own, for an evaluation without attacks. */
    void runAll(Classifier model, LabeledImages test, int batchSize) {
        for (int from = 0; from < test.count(); from += batchSize) {
            int to = Math.min(test.count(), from + batchSize);
            try (NDManager scope = model.manager().newSubManager()) {
                run(model, new Batch(ImageBatch.of(scope, test, from, to), test.labelRange(from, to), Evaluator.range(from, to)), from);
            }
        }
    }

    int[] predicted() {
        return predicted;
    }

    GradientFaults faults() {
        return new GradientFaults(zero, nonFinite);
    }

    long nanos() {
        return nanos;
    }

    double seconds() {
        return nanos / 1e9;
    }

    long forward() {
        return forward;
    }

    long backward() {
        return backward;
    }
}
