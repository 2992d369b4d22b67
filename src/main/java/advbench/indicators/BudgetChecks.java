package advbench.indicators;

import advbench.attack.Attack;
import advbench.attack.Norm;
import advbench.data.LabeledImages;
import advbench.eval.Metrics;
import advbench.eval.PlannedAttack;
import advbench.eval.Sweep;
import advbench.model.Classifier;
import java.util.ArrayList;
import java.util.List;

/**
 * The indicators that ask how an attack's answer moves with its budget: with the whole box it
 * must fool everything; with more epsilon it must not fool less; with twice the steps it should
 * not fool much more (else it had not converged).
 */
final class BudgetChecks {
    static final String UNBOUNDED = "unbounded attack fails";
    static final String MONOTONE = "accuracy rises with epsilon";
    static final String CONVERGENCE = "twice the steps changes accuracy";

    /** A rise of accuracy with epsilon by more than this (absolute) in an exhaustive sweep. */
    static final double RISE = 0.005;
    /** A change of accuracy by more than a point when the steps are doubled. */
    static final double CONVERGED = 0.01;

    private BudgetChecks() {}

    /** The budget that admits any image: the whole box. */
    static double unboundedEpsilon(Norm norm, LabeledImages images) {
        return switch (norm) {
            case LINF -> 1.0;
            case L2 -> images.shape().maxL2();
            case L1 -> images.pixelsPerImage();
        };
    }

    /**
     * Whether an iterative untargeted attack fools every clean-correct sample when the budget is
     * the whole box (L-inf 1, the largest L2 or L1 distance). One it cannot fool there, it cannot
     * fool anywhere: the attack, not the model, failed. A single step is not asked (FGSM at 1
     * leaves a few percent of MNIST, pixels whose gradient is 0 do not move); it is judged
     * against the iterative attacks instead.
     */
    static Metrics.Indicator unbounded(Classifier model, Subsample sub, Attack attack) {
        double eps = unboundedEpsilon(attack.norm(), sub.images());
        int[] predicted = sub.predictions(model, attack, List.of(eps), Sweep.FAST).get(0);
        List<Integer> missed = new ArrayList<>();
        for (int i = 0; i < sub.count(); i++) {
            if (sub.correct(i) && predicted[i] == sub.label(i)) {
                missed.add(i);
            }
        }
        int correct = sub.correctCount();
        double share = correct == 0 ? 0 : missed.size() / (double) correct;
        return new Metrics.Indicator(UNBOUNDED, attack.name(), eps, share, 0, !missed.isEmpty(), sub.listed(missed));
    }

    /**
     * From the attack's sweep of the subsample at every epsilon ({@code perEps}, in the order of
     * its epsilons, nothing carried over from a smaller one): the largest rise of accuracy between
     * neighbouring epsilons, and the samples robust at the larger that fell at the smaller.
     */
    static Metrics.Indicator monotone(Subsample sub, PlannedAttack planned, List<int[]> perEps) {
        double worstRise = 0;
        Double at = null;
        List<Integer> risen = new ArrayList<>();
        for (int e = 1; e < perEps.size(); e++) {
            double rise = sub.accuracy(perEps.get(e)) - sub.accuracy(perEps.get(e - 1));
            if (rise > worstRise) {
                worstRise = rise;
                at = planned.epsilons().get(e);
                risen.clear();
                for (int i = 0; i < sub.count(); i++) {
                    if (sub.correct(i) && perEps.get(e)[i] == sub.label(i) && perEps.get(e - 1)[i] != sub.label(i)) {
                        risen.add(i);
                    }
                }
            }
        }
        return new Metrics.Indicator(MONOTONE, planned.attack().name(), at, worstRise, RISE, worstRise > RISE, sub.listed(risen));
    }

    /**
     * Carlini et al.'s "more iterations should not help": the same attack with twice the steps
     * (each sized by the attack's own rule), at every epsilon of its sweep; the largest change of
     * the subsample's accuracy, either way, and the samples whose verdict changed there.
     */
    static Metrics.Indicator convergence(Subsample sub, PlannedAttack planned, List<int[]> perEps, List<int[]> longerPerEps) {
        double worst = 0;
        Double at = null;
        List<Integer> changed = List.of();
        for (int e = 0; e < perEps.size(); e++) {
            double change = Math.abs(sub.accuracy(longerPerEps.get(e)) - sub.accuracy(perEps.get(e)));
            if (change > worst) {
                worst = change;
                at = planned.epsilons().get(e);
                List<Integer> now = new ArrayList<>();
                for (int i = 0; i < sub.count(); i++) {
                    if (sub.correct(i) && (perEps.get(e)[i] == sub.label(i)) != (longerPerEps.get(e)[i] == sub.label(i))) {
                        now.add(i);
                    }
                }
                changed = now;
            }
        }
        return new Metrics.Indicator(CONVERGENCE, planned.attack().name(), at, worst, CONVERGED, worst > CONVERGED, sub.listed(changed));
    }
}
