package advbench.indicators;

import advbench.eval.AttackOutcome;
import advbench.eval.EpsilonOutcome;
import advbench.eval.Evaluation;
import advbench.eval.Metrics;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Does a single-step attack fool samples its iterative counterparts missed? An iterative attack
 * that starts where the single step goes should never do worse; more than a small share of such
 * samples means its steps, start or loss are wrong (or the gradients are masked near x).
 */
final class SingleStepCheck {
    static final String SINGLE_STEP = "single step beats iterative";

    /** Share of clean-correct samples a single step may fool that the iterative attack missed. */
    static final double SINGLE_STEP_SHARE = 0.01;

    private SingleStepCheck() {}

    /**
     * On the whole test set (the run's own sweeps): per single-step untargeted attack and
     * epsilon, the share of clean-correct samples it fooled that every iterative untargeted
     * attack of the same norm missed at the same epsilon; the largest.
     */
    static List<Metrics.Indicator> measure(Evaluation ev) {
        int[] labels = ev.labels();
        List<Metrics.Indicator> out = new ArrayList<>();
        for (AttackOutcome single : ev.attacks()) {
            if (single.iterative() || single.gradientFree() || single.target() != null) {
                continue;
            }
            double worst = 0;
            Double at = null;
            boolean compared = false;
            List<Integer> samples = List.of();
            for (EpsilonOutcome s : single.perEpsilon()) {
                boolean[] missed = null;
                for (AttackOutcome it : ev.attacks()) {
                    if (!it.iterative() || it.target() != null || it.norm() != single.norm()) {
                        continue;
                    }
                    for (EpsilonOutcome e : it.perEpsilon()) {
                        if (e.epsilon() == s.epsilon()) {
                            if (missed == null) {
                                missed = new boolean[labels.length];
                                Arrays.fill(missed, true);
                            }
                            for (int i = 0; i < labels.length; i++) {
                                missed[i] &= e.predicted()[i] == labels[i];
                            }
                        }
                    }
                }
                if (missed == null) {
                    continue;
                }
                List<Integer> beaten = new ArrayList<>();
                int correct = 0;
                for (int i = 0; i < labels.length; i++) {
                    if (ev.cleanPredicted()[i] == labels[i]) {
                        correct++;
                        if (missed[i] && s.predicted()[i] != labels[i]) {
                            beaten.add(i);
                        }
                    }
                }
                compared = true;
                double share = correct == 0 ? 0 : beaten.size() / (double) correct;
                if (share > worst) {
                    worst = share;
                    at = s.epsilon();
                    samples = beaten;
                }
            }
            if (compared) {
                out.add(new Metrics.Indicator(SINGLE_STEP, single.attack(), at, worst, SINGLE_STEP_SHARE, worst > SINGLE_STEP_SHARE,
                        samples.subList(0, Math.min(FailureIndicators.LISTED, samples.size()))));
            }
        }
        return out;
    }
}
