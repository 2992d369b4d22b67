package advbench.train;

import advbench.RunLog;
import advbench.attack.Adversarial;
import advbench.attack.Batch;
import advbench.attack.Goal;
import advbench.attack.Norm;
import advbench.attack.Pgd;
import advbench.attack.StepSize;
import advbench.data.LabeledImages;
import advbench.model.Classifier;
import advbench.model.ImageBatch;
import ai.djl.ndarray.NDManager;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.IntStream;

/**
 * Watches for catastrophic overfitting, the sudden collapse of robustness that FGSM training is
 * prone to (Wong et al. 2020): after each epoch it measures PGD-10 accuracy on a fixed slice of
 * training images that are never trained on, keeps the weights of the best epoch, and reports an
 * epoch whose robust accuracy falls far below the best so far.
 */
public final class OverfitMonitor {
    /** A drop in held-out robust accuracy larger than this (absolute) is called a collapse. */
    public static final double COLLAPSE = 0.2;

    private final LabeledImages holdout;
    private final Pgd pgd;
    private final double eps;
    private final RunLog log;
    private final List<String> events = new ArrayList<>();
    private double best = -1;
    private int bestEpoch;
    private byte[] bestWeights;

    public OverfitMonitor(LabeledImages holdout, double eps, long seed, RunLog log) {
        this.holdout = holdout;
        this.eps = eps;
        this.log = log;
        this.pgd = new Pgd("PGD-10", Norm.LINF, 10, StepSize.relative(0.25), 1, seed, null);
    }

    /** Robust accuracy of the model on the held-out slice, after epoch {@code epoch}. */
    double afterEpoch(Classifier model, int epoch) {
        int correct = 0;
        for (int from = 0; from < holdout.count(); from += 500) {
            int to = Math.min(holdout.count(), from + 500);
            try (NDManager scope = model.manager().newSubManager()) {
                int[] labels = holdout.labelRange(from, to);
                Batch batch = new Batch(ImageBatch.of(scope, holdout, from, to), labels, IntStream.range(from, to).toArray());
                // early stop: the same robust accuracy, fewer gradients
                Adversarial adv = pgd.attack(model, batch, new Goal(labels, null, true), eps);
                for (boolean s : adv.success()) {
                    correct += s ? 0 : 1;
                }
            }
        }
        double acc = (double) correct / holdout.count();
        if (best >= 0 && acc < best - COLLAPSE) {
            String event = String.format(Locale.ROOT, "catastrophic overfitting at epoch %d: held-out PGD-10 accuracy %.1f%% after %.1f%% at epoch %d",
                    epoch, 100 * acc, 100 * best, bestEpoch);
            events.add(event);
            log.info("WARNING: " + event);
        }
        if (acc > best) {
            best = acc;
            bestEpoch = epoch;
            bestWeights = model.weights().snapshot();
        }
        return acc;
    }

    /** Puts the best epoch's weights back if the last epoch was worse; returns the best epoch. */
    int restoreBest(Classifier model, int lastEpoch) {
        if (bestWeights != null && bestEpoch != lastEpoch) {
            model.weights().restore(bestWeights);
            log.info(String.format(Locale.ROOT, "keeping the weights of epoch %d (held-out PGD-10 accuracy %.1f%%)", bestEpoch, 100 * best));
        }
        return bestEpoch;
    }

    public List<String> events() {
        return List.copyOf(events);
    }
}
