package advbench.indicators;

import advbench.attack.Norm;
import advbench.data.LabeledImages;
import advbench.eval.Metrics;
import advbench.eval.PlannedAttack;
import advbench.model.Classifier;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeSet;

/**
 * Does random noise of the same budget fool a sample every gradient attack missed? Then the
 * gradients misled the attacks (AutoAttack asks the same of Square).
 */
final class NoiseCheck {
    static final String NOISE = "noise beats gradient attacks";

    /** As AutoAttack's check on Square: noise may fool at most this share of what every gradient attack missed. */
    static final double NOISE_SHARE = 0.002;

    private NoiseCheck() {}

    /**
     * Uniform noise in the L-inf ball, or a uniformly random direction at the full L2 radius, at
     * each epsilon the untargeted gradient attacks of that norm ran at, against those attacks'
     * results on the subsample ({@code perAttack}: at every epsilon, in the order of its list).
     */
    static List<Metrics.Indicator> measure(Classifier model, Subsample sub, Map<PlannedAttack, List<int[]>> perAttack) {
        List<Metrics.Indicator> out = new ArrayList<>();
        for (Norm norm : List.of(Norm.LINF, Norm.L2)) {
            List<PlannedAttack> gradient = perAttack.keySet().stream()
                    .filter(p -> p.attack().norm() == norm && !p.attack().gradientFree() && p.attack().target() == null).toList();
            if (gradient.isEmpty()) {
                continue;
            }
            TreeSet<Double> epsilons = new TreeSet<>();
            gradient.forEach(p -> p.epsilons().stream().filter(e -> e > 0).forEach(epsilons::add));
            double worst = 0;
            Double at = null;
            List<Integer> worstSamples = List.of();
            for (double eps : epsilons) {
                boolean[] missedByAll = new boolean[sub.count()];
                for (int i = 0; i < sub.count(); i++) {
                    missedByAll[i] = sub.correct(i);
                }
                for (PlannedAttack p : gradient) {
                    int e = p.epsilons().indexOf(eps);
                    if (e >= 0) {
                        int[] predicted = perAttack.get(p).get(e);
                        for (int i = 0; i < sub.count(); i++) {
                            missedByAll[i] &= predicted[i] == sub.label(i);
                        }
                    }
                }
                int[] noisy = model.predictAll(withNoise(sub.images(), norm, eps, sub.rows()), sub.batchSize());
                List<Integer> extra = new ArrayList<>();
                for (int i = 0; i < sub.count(); i++) {
                    if (missedByAll[i] && noisy[i] != sub.label(i)) {
                        extra.add(i);
                    }
                }
                double share = extra.size() / (double) sub.count();
                if (share > worst) {
                    worst = share;
                    at = eps;
                    worstSamples = extra;
                }
            }
            out.add(new Metrics.Indicator(NOISE + " (" + norm.label() + ")", null, at, worst, NOISE_SHARE, worst > NOISE_SHARE,
                    sub.listed(worstSamples)));
        }
        return out;
    }

    /** The images plus noise of size eps, one seeded draw per test index (so a sample's noise does not depend on the subsample). */
    static LabeledImages withNoise(LabeledImages images, Norm norm, double eps, int[] rows) {
        int d = images.pixelsPerImage();
        float[] out = images.pixels().clone();
        for (int i = 0; i < images.count(); i++) {
            SplittableRandom random = new SplittableRandom(0x5EED0000L + rows[i]);
            double[] v = new double[d];
            double sq = 0;
            for (int k = 0; k < d; k++) {
                v[k] = norm == Norm.LINF ? random.nextDouble(-eps, eps) : random.nextGaussian();
                sq += v[k] * v[k];
            }
            double scale = norm == Norm.LINF ? 1 : eps / Math.sqrt(sq);
            for (int k = 0; k < d; k++) {
                out[i * d + k] = (float) Math.max(0, Math.min(1, out[i * d + k] + v[k] * scale));
            }
        }
        return new LabeledImages(out, images.labels(), images.shape());
    }
}
