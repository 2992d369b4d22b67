package advbench.eval;

import advbench.attack.Norm;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** Turns per-sample outcomes into the summary metrics of a run. */
public final class MetricsCalculator {
    private MetricsCalculator() {}

    public static Metrics compute(Evaluation ev) {
        int[] labels = ev.labels();
        int classes = ev.shape().classes();
        List<Metrics.AttackCurve> curves = new ArrayList<>();
        for (AttackOutcome a : ev.attacks()) {
            List<Metrics.Point> points = new ArrayList<>();
            for (int k = 0; k < a.perEpsilon().size(); k++) {
                Metrics.Point p = point(labels, ev.cleanPredicted(), a.perEpsilon().get(k), classes, a.stages());
                points.add(a.ensemble() == null ? p : withEnsemble(p, a.ensemble(), k));
            }
            curves.add(new Metrics.AttackCurve(a.attack(), a.norm().label(), a.target(), List.copyOf(points),
                    new Metrics.Cost(a.forwardPerSample(), a.backwardPerSample(), a.recheckForwardPerSample()),
                    a.minimalNorms() == null ? null : MinimalNormStats.of(a.minimalNorms(), labels, ev.cleanPredicted())));
        }
        int n = labels.length;
        Metrics.GradientCheck gradients = new Metrics.GradientCheck(ratio(ev.zeroGradients(), n), ratio(ev.nanGradients(), n));
        return new Metrics(n, clean(labels, ev.cleanPredicted(), classes), List.copyOf(curves), worstCase(ev),
                gradients, SanityChecks.warnings(ev, gradients));
    }

    static Metrics.Clean clean(int[] labels, int[] predicted, int classes) {
        int[][] confusion = new int[classes][classes];
        for (int i = 0; i < labels.length; i++) {
            confusion[labels[i]][predicted[i]]++;
        }
        List<Metrics.ClassScores> perClass = new ArrayList<>();
        int correct = 0;
        for (int c = 0; c < classes; c++) {
            int tp = confusion[c][c];
            int support = 0;
            int predictedAsC = 0;
            for (int k = 0; k < classes; k++) {
                support += confusion[c][k];
                predictedAsC += confusion[k][c];
            }
            double precision = ratio(tp, predictedAsC);
            double recall = ratio(tp, support);
            double f1 = precision + recall == 0 ? 0 : 2 * precision * recall / (precision + recall);
            perClass.add(new Metrics.ClassScores(c, support, precision, recall, f1));
            correct += tp;
        }
        return new Metrics.Clean(ratio(correct, labels.length), List.copyOf(perClass), confusion);
    }

    /** A point of an ensemble with each stage's samples and passes, and the fast version's audit. */
    private static Metrics.Point withEnsemble(Metrics.Point p, AttackOutcome.Ensemble ensemble, int k) {
        List<StageCost> costs = ensemble.costs().get(k);
        List<Metrics.Stage> stages = new ArrayList<>();
        for (int s = 0; s < p.stages().size(); s++) {
            StageCost c = costs.get(s);
            Metrics.Stage plain = p.stages().get(s);
            stages.add(s == 0 ? plain : new Metrics.Stage(plain.stage(), plain.accuracy(), c.entered(), c.left(), c.forward(), c.backward()));
        }
        FastAudit a = ensemble.audits() == null ? null : ensemble.audits().get(k);
        Metrics.Audit audit = a == null ? null : new Metrics.Audit(a.robustAfterFast(), a.audited(), a.fooled(), a.nearest(),
                a.nearestFooled(), a.random(), a.randomFooled(), a.randomFrom(), a.byGradientFree(), a.tolerance(), a.upperBound(), a.escalated());
        return new Metrics.Point(p.epsilon(), p.accuracy(), p.successRate(), p.targetedSuccessRate(), p.meanLinf(), p.maxLinf(), p.meanL2(),
                p.attacked(), p.recheckDisagreements(), p.perClassAccuracy(), List.copyOf(stages), audit);
    }

    static Metrics.Point point(int[] labels, int[] cleanPredicted, EpsilonOutcome e, int classes, List<String> stageNames) {
        int n = labels.length;
        int correct = 0;
        int cleanCorrect = 0;
        int fooled = 0;
        int targeted = 0;
        int hitTarget = 0;
        int[] classCorrect = new int[classes];
        int[] classCount = new int[classes];
        double sumLinf = 0;
        double maxLinf = 0;
        double sumL2 = 0;
        for (int i = 0; i < n; i++) {
            // robust only if right both clean and under attack, as AutoAttack counts: an attack that happens
            // to "repair" a sample misclassified clean does not make it robust
            boolean right = e.predicted()[i] == labels[i] && cleanPredicted[i] == labels[i];
            correct += right ? 1 : 0;
            classCount[labels[i]]++;
            classCorrect[labels[i]] += right ? 1 : 0;
            if (cleanPredicted[i] == labels[i]) {
                cleanCorrect++;
                fooled += right ? 0 : 1;
            }
            if (e.targets() != null && e.targets()[i] >= 0) {
                targeted++;
                hitTarget += e.predicted()[i] == e.targets()[i] ? 1 : 0;
            }
            sumLinf += e.linf()[i];
            maxLinf = Math.max(maxLinf, e.linf()[i]);
            sumL2 += e.l2()[i];
        }
        double[] perClass = new double[classes];
        for (int c = 0; c < classes; c++) {
            perClass[c] = ratio(classCorrect[c], classCount[c]);
        }
        List<Metrics.Stage> stages = null;
        if (stageNames != null && e.stages() != null) {
            double[] after = accuracyAfterStages(e.stages(), stageNames.size());
            stages = new ArrayList<>();
            for (int s = 0; s < after.length; s++) {
                stages.add(new Metrics.Stage(stageNames.get(s), after[s]));
            }
            stages = List.copyOf(stages);
        }
        return new Metrics.Point(e.epsilon(), ratio(correct, n), ratio(fooled, cleanCorrect),
                e.targets() == null ? null : ratio(hitTarget, targeted), sumLinf / n, maxLinf, sumL2 / n, e.attackedCount(),
                e.disagreements(), perClass, stages);
    }

    /**
     * An ensemble's robust accuracy after each stage: the share of samples no stage up to it
     * decided (stage -1: never decided). Stage 0 is the clean prediction.
     */
    public static double[] accuracyAfterStages(int[] stageOf, int stages) {
        double[] after = new double[stages];
        for (int s = 0; s < stages; s++) {
            int robust = 0;
            for (int v : stageOf) {
                robust += v < 0 || v > s ? 1 : 0;
            }
            after[s] = ratio(robust, stageOf.length);
        }
        return after;
    }

    /**
     * Per norm, every epsilon any attack of that norm was run at; a sample fooled at a smaller
     * epsilon counts as fooled at every larger one, so the figure does not depend on whether the
     * sweep skipped decided samples.
     */
    static List<Metrics.WorstCase> worstCase(Evaluation ev) {
        int[] labels = ev.labels();
        List<Metrics.WorstCase> result = new ArrayList<>();
        for (Norm norm : Norm.values()) {
            Map<Double, boolean[]> robust = new TreeMap<>();
            Map<Double, List<String>> names = new TreeMap<>();
            for (AttackOutcome a : ev.attacks()) {
                if (a.norm() != norm) {
                    continue;
                }
                for (EpsilonOutcome e : a.perEpsilon()) {
                    boolean[] r = robust.computeIfAbsent(e.epsilon(), k -> cleanCorrect(labels, ev.cleanPredicted()));
                    for (int i = 0; i < r.length; i++) {
                        r[i] &= e.predicted()[i] == labels[i];
                    }
                    names.computeIfAbsent(e.epsilon(), k -> new ArrayList<>()).add(a.attack());
                }
            }
            if (robust.isEmpty()) {
                continue;
            }
            boolean[] smaller = null; // the map iterates in increasing epsilon
            for (boolean[] r : robust.values()) {
                if (smaller != null) {
                    for (int i = 0; i < r.length; i++) {
                        r[i] &= smaller[i];
                    }
                }
                smaller = r;
            }
            List<Metrics.WorstPoint> points = new ArrayList<>();
            robust.forEach((eps, r) -> points.add(new Metrics.WorstPoint(eps, ratio(count(r), r.length), List.copyOf(names.get(eps)))));
            result.add(new Metrics.WorstCase(norm.label(), List.copyOf(points)));
        }
        return List.copyOf(result);
    }

    private static boolean[] cleanCorrect(int[] labels, int[] predicted) {
        boolean[] r = new boolean[labels.length];
        for (int i = 0; i < r.length; i++) {
            r[i] = predicted[i] == labels[i];
        }
        return r;
    }

    private static int count(boolean[] b) {
        int c = 0;
        for (boolean v : b) {
            c += v ? 1 : 0;
        }
        return c;
    }

    static double ratio(int a, int b) {
        return b == 0 ? 0 : (double) a / b;
    }
}
