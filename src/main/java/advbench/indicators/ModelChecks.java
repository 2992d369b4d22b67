package advbench.indicators;

import advbench.attack.Goal;
import advbench.attack.Loss;
import advbench.data.LabeledImages;
import advbench.eval.GradientFaults;
import advbench.eval.Metrics;
import advbench.model.Classifier;
import advbench.model.ImageBatch;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * The indicators about the model rather than an attack: can a gradient attack follow its
 * gradients at all, and does its loss hold still under noise a human would not see.
 */
final class ModelChecks {
    static final String GRADIENTS = "unavailable gradients";
    static final String UNSTABLE = "unstable predictions";
    static final String RANDOMISED = "randomised model";

    /** Share of the subsample with a zero or non-finite loss gradient above which gradient attacks are blind. */
    static final double GRADIENT_SHARE = 0.01;
    /** Pintor et al.'s noise draws per sample and the width of their uniform noise, [-r/2, r/2] per pixel. */
    static final int DRAWS = 100;
    static final double RADIUS = 8 / 255.0;
    /** Mean relative change of the loss above which a smooth optimisation cannot be expected. */
    static final double UNSTABLE_LIMIT = 0.2;

    private ModelChecks() {}

    /** Zero or non-finite input gradients of the cross-entropy at the clean points. */
    static Metrics.Indicator gradients(Classifier model, Subsample sub) {
        return gradients(model, sub, null);
    }

    /**
     * As above, for the gradients one attack takes ({@code attack} names it): a BPDA attack's
     * pass the input transformation by its approximation, so it is asked of them separately.
     */
    static Metrics.Indicator gradients(Classifier model, Subsample sub, String attack) {
        GradientFaults faults = GradientFaults.of(model, sub.images(), sub.batchSize());
        List<Integer> bad = new ArrayList<>();
        for (int i = 0; i < sub.count(); i++) {
            if (faults.zero()[i] || faults.nonFinite()[i]) {
                bad.add(i);
            }
        }
        double share = bad.size() / (double) sub.count();
        return new Metrics.Indicator(GRADIENTS, attack, null, share, GRADIENT_SHARE, share > GRADIENT_SHARE, sub.listed(bad));
    }

    /**
     * Pintor et al.'s unstable predictions: the relative change of the loss, |L(x + d) - L(x)| /
     * |L(x)| (a zero loss divides by 1), for {@value #DRAWS} draws of uniform noise d in
     * [-r/2, r/2] per pixel with r = 8/255, averaged over draws and samples and capped at 1, as
     * their code computes it. The loss is the cross-entropy most attacks ascend. Unlike their code,
     * the noisy image is clipped to [0, 1]: no attack looks outside the box. The samples listed
     * are those whose own mean change is above the limit.
     */
    static Metrics.Indicator unstable(Classifier model, Subsample sub) {
        double[] reference = crossEntropy(model, sub.images(), sub);
        double[] change = new double[sub.count()];
        for (int draw = 0; draw < DRAWS; draw++) {
            double[] noisy = crossEntropy(model, withNoise(sub, draw), sub);
            for (int i = 0; i < sub.count(); i++) {
                double divide = reference[i] == 0 ? 1 : Math.abs(reference[i]);
                change[i] += Math.abs(noisy[i] - reference[i]) / divide / DRAWS;
            }
        }
        double mean = 0;
        List<Integer> unstable = new ArrayList<>();
        for (int i = 0; i < sub.count(); i++) {
            mean += change[i] / sub.count();
            if (change[i] > UNSTABLE_LIMIT) {
                unstable.add(i);
            }
        }
        double value = Math.min(mean, 1.0);
        return new Metrics.Indicator(UNSTABLE, null, RADIUS, value, UNSTABLE_LIMIT, value > UNSTABLE_LIMIT, sub.listed(unstable));
    }

    /** Repeated forwards of the same images differed in the run (see {@code eval.RandomnessCheck}). */
    static Metrics.Indicator randomised(boolean randomised) {
        return new Metrics.Indicator(RANDOMISED, null, null, randomised ? 1 : 0, 0, randomised, List.of());
    }

    /** The subsample with one seeded draw of noise per sample and draw, clipped to the box. */
    private static LabeledImages withNoise(Subsample sub, int draw) {
        int d = sub.images().pixelsPerImage();
        float[] out = sub.images().pixels().clone();
        for (int i = 0; i < sub.count(); i++) {
            SplittableRandom random = new SplittableRandom(0x57AB1EL * 1_000_003L + sub.rows()[i] * 131L + draw);
            for (int k = i * d; k < (i + 1) * d; k++) {
                out[k] = (float) Math.max(0, Math.min(1, out[k] + (random.nextDouble() - 0.5) * RADIUS));
            }
        }
        return new LabeledImages(out, sub.images().labels(), sub.images().shape());
    }

    private static double[] crossEntropy(Classifier model, LabeledImages images, Subsample sub) {
        double[] out = new double[images.count()];
        for (int from = 0; from < images.count(); from += sub.batchSize()) {
            int to = Math.min(images.count(), from + sub.batchSize());
            try (NDManager scope = model.manager().newSubManager()) {
                NDArray logits = model.logits(ImageBatch.of(scope, images, from, to));
                logits.attach(scope);
                double[] ce = Loss.crossEntropy().onHostExact(logits, Goal.untargeted(images.labelRange(from, to)));
                System.arraycopy(ce, 0, out, from, ce.length);
            }
        }
        return out;
    }
}
