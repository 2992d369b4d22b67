package advbench.indicators;

import advbench.attack.Goal;
import advbench.attack.Traceable;
import advbench.eval.LossTrace;
import advbench.eval.Metrics;
import advbench.eval.PlannedAttack;
import advbench.model.Classifier;
import ai.djl.ndarray.NDManager;
import java.util.ArrayList;
import java.util.List;

/**
 * One traced run of an iterative attack on the subsample, at the largest epsilon of its sweep that
 * left some samples unfooled, and the two indicators read from it: is the loss still rising at the end (more steps would
 * have helped), and did an iterate reach the goal that the attack's answer does not show.
 */
final class LossTraces {
    static final String INCOMPLETE = "incomplete optimisation";
    static final String SILENT = "silent success";

    /** A trace still rising (see {@link LossTrace#stillRising}) on at most this share of the clean-correct samples no iterate fooled. */
    static final double INCOMPLETE_SHARE = 0.05;

    private LossTraces() {}

    /** Share of the clean-correct samples the attack must leave unfooled at the traced epsilon, where it can. */
    static final double SURVIVORS = 0.1;

    /**
     * Where to trace: the largest epsilon of the sweep at which the attack left at least {@value
     * #SURVIVORS} of the clean-correct samples unfooled ({@code perEps}, its sweep of the
     * subsample), so that there are traces to read; else the smallest positive one. 0 when the
     * sweep has no positive epsilon.
     */
    static double tracedEpsilon(Subsample sub, List<Double> epsilons, List<int[]> perEps) {
        double best = 0;
        double smallest = 0;
        for (int e = 0; e < epsilons.size(); e++) {
            double eps = epsilons.get(e);
            if (eps <= 0) {
                continue;
            }
            smallest = smallest == 0 ? eps : Math.min(smallest, eps);
            int survivors = 0;
            for (int i = 0; i < sub.count(); i++) {
                survivors += sub.correct(i) && perEps.get(e)[i] == sub.label(i) ? 1 : 0;
            }
            if (survivors > 0 && survivors >= SURVIVORS * sub.correctCount()) {
                best = Math.max(best, eps);
            }
        }
        return best > 0 ? best : smallest;
    }

    /** The traced run at {@code eps}; null at epsilon 0 or for an attack that cannot be traced. */
    static LossTrace trace(Classifier model, Subsample sub, PlannedAttack planned, double eps) {
        Traceable traced = planned.attack().traced();
        if (traced == null || eps == 0) {
            return null;
        }
        float[][] loss = new float[sub.count()][];
        boolean[][] success = new boolean[sub.count()][];
        for (int from = 0; from < sub.count(); from += sub.batchSize()) {
            int to = Math.min(sub.count(), from + sub.batchSize());
            try (NDManager scope = model.manager().newSubManager()) {
                var batch = sub.batch(scope, from, to);
                int[] targets = traced.target() == null ? null : traced.target().choose(model, batch);
                Traceable.Trace t = traced.trace(model, batch, new Goal(batch.labels(), targets, false), eps);
                for (int i = 0; i < to - from; i++) {
                    loss[from + i] = new float[t.loss().length];
                    success[from + i] = new boolean[t.loss().length];
                    for (int step = 0; step < t.loss().length; step++) {
                        loss[from + i][step] = (float) t.loss()[step][i];
                        success[from + i][step] = t.success()[step][i];
                    }
                }
            }
        }
        String name = traced == planned.attack() ? traced.name() : planned.attack().name() + " (" + traced.name() + ")";
        return new LossTrace(name, eps, sub.rows(), loss, success);
    }

    /**
     * {@value #INCOMPLETE}: the share of clean-correct samples no iterate fooled whose trace is
     * {@link LossTrace#stillRising still rising} (for a run of at least {@link LossTrace#MIN_STEPS}
     * steps, else the window would be the whole run); and, untargeted, {@value #SILENT}: the share of
     * samples an iterate fooled that the attack's answer ({@code answer}, its sweep of the
     * subsample at the same epsilon, same start) shows as not fooled. The first-success rule
     * should keep it at 0.
     */
    static List<Metrics.Indicator> read(Subsample sub, PlannedAttack planned, LossTrace trace, int[] answer) {
        List<Integer> rising = new ArrayList<>();
        int unfooled = 0;
        for (int i = 0; i < sub.count(); i++) {
            if (sub.correct(i) && !trace.everSucceeded(i)) {
                unfooled++;
                if (LossTrace.stillRising(trace.loss()[i])) {
                    rising.add(i);
                }
            }
        }
        double share = unfooled == 0 ? 0 : rising.size() / (double) unfooled;
        List<Metrics.Indicator> out = new ArrayList<>();
        if (trace.loss()[0].length > LossTrace.MIN_STEPS) {
            out.add(new Metrics.Indicator(INCOMPLETE, trace.attack(), trace.epsilon(), share, INCOMPLETE_SHARE, share > INCOMPLETE_SHARE,
                    sub.listed(rising)));
        }
        if (planned.attack().target() == null) {
            List<Integer> silent = new ArrayList<>();
            for (int i = 0; i < sub.count(); i++) {
                if (sub.correct(i) && trace.everSucceeded(i) && answer[i] == sub.label(i)) {
                    silent.add(i);
                }
            }
            double silentShare = silent.size() / (double) sub.count();
            out.add(new Metrics.Indicator(SILENT, trace.attack(), trace.epsilon(), silentShare, 0, !silent.isEmpty(), sub.listed(silent)));
        }
        return out;
    }
}
