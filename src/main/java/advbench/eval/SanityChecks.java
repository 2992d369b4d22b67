package advbench.eval;

import advbench.attack.Norm;
import advbench.attack.Rows;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * Signs that an evaluation cannot be trusted (gradient masking or a bug), read off the run's own
 * sweeps over the whole test set, as warnings for metrics.json and the log. Thresholds are loose
 * on purpose: a warning should mean "look". What needs more than the run's sweeps (accuracy
 * rising with epsilon, an unbounded attack that fails, a single step beating an iterative
 * attack on more than a few samples) is measured by the indicators of attack failure
 * ({@code advbench.indicators}), which replaced the warnings that tried to read it off the run.
 */
final class SanityChecks {
    private SanityChecks() {}

    static final double GRADIENT_FAULT_SHARE = 0.1;
    /**
     * Single-step accuracy this far above iterative accuracy (absolute), while the single step
     * leaves at least MASKING_FLOOR accuracy, suggests gradient masking. The floor keeps quiet on
     * an undefended model, where FGSM at a moderate epsilon naturally leaves ~40 points more than
     * PGD (e.g. 70% against 28% at 0.1 on MNIST) without anything being masked.
     */
    static final double MASKING_GAP = 0.3;
    static final double MASKING_FLOOR = 0.8;
    /** AutoAttack's threshold: Square may take at most 0.2 points off what the gradient attacks left. */
    static final double GRADIENT_FREE_SHARE = 0.002;

    static List<String> warnings(Evaluation ev, Metrics.GradientCheck gradients) {
        List<String> w = new ArrayList<>();
        if (ev.randomised()) {
            w.add("the model is randomised (" + RandomnessCheck.FORWARDS + " forwards of the same test images differ): its accuracies vary"
                    + " from forward to forward, and gradient attacks need expectation over transformation (autoattack with version: rand,"
                    + " or apgd with eot: 20)");
        }
        recheckDisagreements(ev, w);
        singleStepOnly(ev, w);
        strongerWithoutGradients(ev, w);
        if (gradients.zeroShare() > GRADIENT_FAULT_SHARE || gradients.nonFiniteShare() > 0) {
            w.add(String.format(Locale.ROOT, "input gradient is all zero for %.1f%% and not finite for %.1f%% of the test samples",
                    100 * gradients.zeroShare(), 100 * gradients.nonFiniteShare()));
        }
        return List.copyOf(w);
    }

    /**
     * An attack that reported a class for an image the model classifies otherwise (found by the
     * sweeper's re-check, and counted as not fooled): its bookkeeping is wrong, or the model is
     * not what it was when the attack ran (randomised, or numerically unstable between batches).
     */
    private static void recheckDisagreements(Evaluation ev, List<String> w) {
        for (AttackOutcome a : ev.attacks()) {
            for (EpsilonOutcome e : a.perEpsilon()) {
                int count = e.disagreements();
                if (count > 0) {
                    List<Integer> first = Arrays.stream(Rows.where(e.disagreed())).limit(10).boxed().toList();
                    w.add(String.format(Locale.ROOT, "%s at eps %s: the model classifies the attacked image of %d sample%s otherwise than"
                            + " the attack reported (test indices %s); counted as not fooled, at the clean image", a.attack(), e.epsilon(),
                            count, count == 1 ? "" : "s", first));
                }
            }
        }
    }

    /**
     * AutoAttack's check on Square: a search without gradients that fools more than
     * GRADIENT_FREE_SHARE of the samples every gradient attack of the run missed at the same
     * epsilon (or, in an ensemble, that the gradient stages before it left) means the gradients
     * misled those attacks: gradient masking, or a bug.
     */
    private static void strongerWithoutGradients(Evaluation ev, List<String> w) {
        int[] labels = ev.labels();
        int n = labels.length;
        for (AttackOutcome free : ev.attacks()) {
            if (!free.gradientFree() || free.target() != null) {
                continue;
            }
            for (EpsilonOutcome f : free.perEpsilon()) {
                boolean[] missedByAll = null;
                for (AttackOutcome g : ev.attacks()) {
                    if (g.gradientFree() || g.target() != null || g.norm() != free.norm()) {
                        continue;
                    }
                    for (EpsilonOutcome e : g.perEpsilon()) {
                        if (e.epsilon() != f.epsilon()) {
                            continue;
                        }
                        if (missedByAll == null) {
                            missedByAll = new boolean[n];
                            java.util.Arrays.fill(missedByAll, true);
                        }
                        for (int i = 0; i < n; i++) {
                            missedByAll[i] &= e.predicted()[i] == labels[i];
                        }
                    }
                }
                if (missedByAll == null) {
                    continue;
                }
                int extra = 0;
                for (int i = 0; i < n; i++) {
                    extra += missedByAll[i] && f.predicted()[i] != labels[i] ? 1 : 0;
                }
                if (extra > GRADIENT_FREE_SHARE * n) {
                    w.add(String.format(Locale.ROOT, "%s, which uses no gradient, fools %d samples (%.2f%%) that every gradient attack"
                            + " missed at epsilon %s: a sign of gradient masking", free.attack(), extra, 100.0 * extra / n, f.epsilon()));
                }
            }
        }
        for (AttackOutcome a : ev.attacks()) {
            int square = a.stages() == null ? -1 : squareStage(a.stages());
            if (square < 1) {
                continue;
            }
            for (EpsilonOutcome e : a.perEpsilon()) {
                double[] after = MetricsCalculator.accuracyAfterStages(e.stages(), a.stages().size());
                double drop = after[square - 1] - after[square];
                if (drop > GRADIENT_FREE_SHARE) {
                    w.add(String.format(Locale.ROOT, "%s: %s, which uses no gradient, takes %.2f points off what the gradient attacks"
                            + " left at epsilon %s: a sign of gradient masking", a.attack(), a.stages().get(square), 100 * drop, e.epsilon()));
                }
            }
        }
    }

    /** The ensemble stage run by Square (named Square, or Square-L2 in L2), or -1. */
    private static int squareStage(List<String> stages) {
        for (int k = 0; k < stages.size(); k++) {
            if (stages.get(k).equals("Square") || stages.get(k).startsWith("Square-")) {
                return k;
            }
        }
        return -1;
    }

    /**
     * A model that resists only the single step: its accuracy under the single step far above an
     * iterative attack's at the same epsilon (gradient masking or catastrophic overfitting). The
     * other direction, a single step beating an iterative attack, is an indicator.
     */
    private static void singleStepOnly(Evaluation ev, List<String> w) {
        int[] labels = ev.labels();
        for (AttackOutcome single : ev.attacks()) {
            if (single.iterative() || single.gradientFree() || single.target() != null || single.norm() != Norm.LINF) {
                continue;
            }
            for (AttackOutcome iter : ev.attacks()) {
                if (!iter.iterative() || iter.target() != null || iter.norm() != Norm.LINF) {
                    continue;
                }
                for (EpsilonOutcome s : single.perEpsilon()) {
                    for (EpsilonOutcome it : iter.perEpsilon()) {
                        if (s.epsilon() != it.epsilon()) {
                            continue;
                        }
                        double singleAccuracy = accuracy(labels, s.predicted());
                        double gap = singleAccuracy - accuracy(labels, it.predicted());
                        if (gap > MASKING_GAP && singleAccuracy >= MASKING_FLOOR) {
                            w.add(String.format(Locale.ROOT, "%s leaves %.1f points more accuracy than %s at epsilon %s: "
                                    + "robustness to the single step only, a sign of gradient masking or catastrophic overfitting",
                                    single.attack(), 100 * gap, iter.attack(), s.epsilon()));
                        }
                    }
                }
            }
        }
    }

    private static double accuracy(int[] labels, int[] predicted) {
        int c = 0;
        for (int i = 0; i < labels.length; i++) {
            c += predicted[i] == labels[i] ? 1 : 0;
        }
        return (double) c / labels.length;
    }
}
