package advbench.indicators;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import advbench.RunLog;
import advbench.TestFixtures;
import advbench.attack.Fgsm;
import advbench.attack.Loss;
import advbench.attack.Norm;
import advbench.attack.Pgd;
import advbench.attack.StepSize;
import advbench.data.DataShape;
import advbench.data.LabeledImages;
import advbench.eval.AttackOutcome;
import advbench.eval.EpsilonOutcome;
import advbench.eval.Evaluation;
import advbench.eval.Evaluator;
import advbench.eval.LossTrace;
import advbench.eval.Metrics;
import advbench.eval.PlannedAttack;
import advbench.eval.Sweep;
import advbench.model.Classifier;
import advbench.model.Classifiers;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * The indicators of attack failure stay silent on a normally trained CNN and fire on models (and
 * attacks) built to make attacks fail; the sample-level arithmetic is checked on hand-made outcomes.
 */
class FailureIndicatorsIT {
    static final int TEST = 300;
    static final int SUBSAMPLE = 100;
    static final DataShape TEN_CLASSES = new DataShape(1, 28, 28, 10, null);

    static Pgd pgd(String name, int steps, double relativeStep) {
        return new Pgd(name, Norm.LINF, steps, StepSize.relative(relativeStep), 1, 7, null);
    }

    static List<PlannedAttack> attacks() {
        List<Double> eps = List.of(0.0, 0.1, 0.2, 0.3);
        return List.of(new PlannedAttack(new Fgsm(), eps), new PlannedAttack(pgd("PGD-40", 40, 2.5 / 40), eps, pgd("PGD-80", 80, 2.5 / 40)),
                new PlannedAttack(new advbench.attack.Apgd("APGD-CE", Norm.LINF, 100, 1, Loss.crossEntropy(), 7, 1), eps,
                        new advbench.attack.Apgd("APGD-CE-200", Norm.LINF, 200, 1, Loss.crossEntropy(), 7, 1)));
    }

    static FailureIndicators.Report report(Classifier model, List<PlannedAttack> attacks) {
        LabeledImages test = TestFixtures.mnistSubset().test().first(TEST);
        Evaluation ev = new Evaluator(100, Sweep.FAST, RunLog.silent()).evaluate(model, test, attacks, 0);
        return new FailureIndicators(100, RunLog.silent()).measure(model, test, ev, attacks, SUBSAMPLE, 11);
    }

    static Map<String, Metrics.Indicator> byName(FailureIndicators.Report report) {
        report.indicators().forEach(i -> System.out.println("indicator: " + i));
        return report.indicators().stream()
                .collect(Collectors.toMap(i -> i.name() + (i.attack() == null ? "" : " " + i.attack()), Function.identity()));
    }

    /** For the models built to fail: FGSM and a plain PGD, nothing doubled. */
    static Map<String, Metrics.Indicator> measure(Classifier model) {
        List<Double> eps = List.of(0.0, 0.1, 0.2, 0.3);
        return byName(report(model, List.of(new PlannedAttack(new Fgsm(), eps), new PlannedAttack(pgd("PGD-20", 20, 2.5 / 20), eps))));
    }

    /**
     * On the normally trained CNN nothing fires for FGSM and APGD-CE. PGD-40 is there too, and
     * at 0.1 (the largest epsilon that leaves a tenth of the samples standing) its loss is still
     * rising and twice the steps (same step size) fool more: PGD-40 has not converged on this
     * model, which APGD, fooling at least as many, confirms. The two indicators agree.
     */
    @Test
    void nothingFiresOnTheNormallyTrainedCnnButAnUnconvergedPgd() {
        FailureIndicators.Report report = report(TestFixtures.trainedCnn(), attacks());
        Map<String, Metrics.Indicator> ind = byName(report);
        List<String> pgdFired = List.of("incomplete optimisation PGD-40", "twice the steps changes accuracy PGD-40");
        ind.forEach((key, i) -> assertEquals(pgdFired.contains(key), i.triggered(), i.toString()));
        assertEquals(0.1, ind.get("incomplete optimisation PGD-40").epsilon());
        assertEquals(0, ind.get("unavailable gradients").value());
        assertEquals(0, ind.get("unbounded attack fails APGD-CE").value());
        assertTrue(ind.get("unstable predictions").value() > 0, "noise moves the loss a little");
        assertTrue(ind.containsKey("accuracy rises with epsilon FGSM"));
        assertTrue(ind.containsKey("noise beats gradient attacks (L-inf)"));
        assertTrue(ind.containsKey("single step beats iterative FGSM"));
        assertTrue(ind.containsKey("twice the steps changes accuracy APGD-CE"));
        assertFalse(ind.containsKey("twice the steps changes accuracy FGSM"), "a single step has no steps to double");
        assertFalse(ind.containsKey("unbounded attack fails FGSM"), "a single step is not asked to fool at eps 1");
        assertEquals(0, ind.get("silent success APGD-CE").value(), "the first-success rule keeps every success");
        assertEquals(0, ind.get("silent success PGD-40").value());
        // one trace per iterative attack, every sample through every step
        assertEquals(List.of("PGD-40", "APGD-CE"), report.traces().stream().map(LossTrace::attack).toList());
        assertEquals(SUBSAMPLE, report.traces().get(0).samples().length);
        assertEquals(41, report.traces().get(0).loss()[0].length);
        assertEquals(101, report.traces().get(1).loss()[0].length);
    }

    /** PGD with a step of 1% of epsilon: 20 steps cover a fifth of the ball, and the loss is still climbing at the end. */
    @Test
    void anAttackWithTooSmallAStepIsIncompleteAndNotConverged() {
        Pgd crawl = new Pgd("PGD-crawl", Norm.LINF, 20, StepSize.relative(0.01), 1, Pgd.Start.CLEAN, 7, null, Loss.crossEntropy());
        Pgd longer = new Pgd("PGD-crawl-40", Norm.LINF, 40, StepSize.relative(0.01), 1, Pgd.Start.CLEAN, 7, null, Loss.crossEntropy());
        Map<String, Metrics.Indicator> ind = byName(report(TestFixtures.trainedCnn(),
                List.of(new PlannedAttack(crawl, List.of(0.0, 0.3), longer))));
        Metrics.Indicator incomplete = ind.get("incomplete optimisation PGD-crawl");
        assertTrue(incomplete.triggered(), incomplete.toString());
        assertTrue(incomplete.value() > 0.9, incomplete.toString());
        Metrics.Indicator converged = ind.get("twice the steps changes accuracy PGD-crawl");
        assertTrue(converged.triggered(), converged.toString());
        assertEquals(0.3, converged.epsilon());
    }

    /**
     * Against the adversarially trained CNN, PGD stopped after 20 of the 100 steps its step size
     * was made for (2.5 eps / 100) is still climbing when it stops, and twice the steps find more.
     */
    @Test
    void tooFewStepsAgainstTheAdversariallyTrainedModelAreIncomplete() {
        List<PlannedAttack> few = List.of(new PlannedAttack(pgd("PGD-20", 20, 0.025), List.of(0.0, 0.2), pgd("PGD-40", 40, 0.025)));
        Map<String, Metrics.Indicator> ind = byName(report(TestFixtures.defendedCnn(), few));
        Metrics.Indicator incomplete = ind.get("incomplete optimisation PGD-20");
        assertTrue(incomplete.triggered(), incomplete.toString());
        Metrics.Indicator converged = ind.get("twice the steps changes accuracy PGD-20");
        assertTrue(converged.triggered(), converged.toString());
    }

    /** With fewer than 20 steps the last 10 iterates are half the run or more: the indicator is not asked. */
    @Test
    void aShortRunIsNotAskedWhetherItIsComplete() {
        Map<String, Metrics.Indicator> ind = byName(report(TestFixtures.trainedCnn(),
                List.of(new PlannedAttack(pgd("PGD-10", 10, 0.25), List.of(0.0, 0.1)))));
        assertFalse(ind.containsKey("incomplete optimisation PGD-10"));
        assertTrue(ind.containsKey("silent success PGD-10"));
    }

    @Test
    void aLossStillRisingAtTheEndIsIncompleteAPlateauIsNot() {
        float[] linear = new float[41];
        float[] plateau = new float[41];
        for (int t = 0; t <= 40; t++) {
            linear[t] = t;
            plateau[t] = Math.min(t, 20) + (t % 2 == 0 ? 0 : -0.5f); // noisy, but its running best stops at step 20
        }
        assertTrue(LossTrace.stillRising(linear)); // the last 10 values rise by 9 of 40
        assertFalse(LossTrace.stillRising(plateau));
        assertFalse(LossTrace.stillRising(new float[] {1, 1, 1}));
        // rescaled by the trace's own min and max (Pintor et al.): 0.04 / 1.04 over the last 10 values
        float[] late = {0, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1.04f};
        assertFalse(LossTrace.stillRising(late));
        late[12] = 1.06f; // 0.06 / 1.06 = 0.057
        assertTrue(LossTrace.stillRising(late));
        // a dip below the start widens the range the rise is measured against
        float[] dip = {0, -1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1.1f};
        assertEquals(1.0, LossTrace.rescaledBest(dip)[12], 1e-6);
        assertEquals(1 / 2.1, LossTrace.rescaledBest(dip)[1], 1e-6); // the running best holds the start, 0, which rescales to 1/2.1
    }

    /** round(8x) / 8 in front of the network: the gradient through round is 0, so every gradient attack is blind. */
    @Test
    void aQuantisedInputZeroesTheGradientAndTheUnboundedAttackFails() {
        Classifier quantised = Classifiers.transformed(TestFixtures.trainedCnn(), "quantised", x -> x.mul(8).round().div(8), z -> z);
        Map<String, Metrics.Indicator> ind = measure(quantised);
        assertTrue(ind.get("unavailable gradients").triggered(), ind.get("unavailable gradients").toString());
        assertEquals(1.0, ind.get("unavailable gradients").value(), 1e-9);
        assertTrue(ind.get("unbounded attack fails PGD-20").triggered());
    }

    /** Logits times 1e4: the softmax saturates, and the cross-entropy gradient of a correct sample underflows to exactly 0. */
    @Test
    void saturatedLogitsVanishTheGradient() {
        Classifier saturated = Classifiers.transformed(TestFixtures.trainedCnn(), "saturated", x -> x, z -> z.mul(1e4f));
        Metrics.Indicator g = measure(saturated).get("unavailable gradients");
        assertTrue(g.triggered(), g.toString());
        assertTrue(g.value() > 0.5, g.toString());
    }

    /** Fresh uniform noise on the input at every forward: repeated forwards differ, and the loss jumps under tiny noise. */
    @Test
    void aModelThatDrawsNoiseAtEveryForwardIsRandomisedAndUnstable() {
        Classifier noisy = Classifiers.transformed(TestFixtures.trainedCnn(), "noisy",
                x -> x.add(x.getManager().randomUniform(-0.3f, 0.3f, x.getShape())).clip(0f, 1f), z -> z);
        Map<String, Metrics.Indicator> ind = measure(noisy);
        assertTrue(ind.get("randomised model").triggered());
        assertTrue(ind.get("unstable predictions").triggered(), ind.get("unstable predictions").toString());
    }

    @Test
    void singleStepBeatsIterativeCountsSamplesNotAccuracies() {
        int[] labels = {0, 0, 0, 0, 0};
        int[] clean = {0, 0, 0, 0, 1}; // the last is wrong clean and does not count
        int[] fgsm = {1, 1, 0, 0, 1};  // fools 0 and 1
        int[] pgd = {1, 0, 1, 1, 1};   // fools 0, 2 and 3: far stronger, yet misses 1
        Evaluation ev = new Evaluation(TEN_CLASSES, labels, clean, List.of(
                new AttackOutcome("FGSM", Norm.LINF, false, null, List.of(outcome(0.1, fgsm))),
                new AttackOutcome("PGD", Norm.LINF, true, null, List.of(outcome(0.1, pgd)))), 0, 0, null);
        Metrics.Indicator i = SingleStepCheck.measure(ev).get(0);
        assertEquals(0.25, i.value(), 1e-12); // 1 of 4 clean-correct
        assertEquals(List.of(1), i.samples());
        assertTrue(i.triggered());
        assertEquals(0.1, i.epsilon());
    }

    static Subsample fourSamples() {
        LabeledImages images = new LabeledImages(new float[4 * 784], new int[] {0, 0, 0, 0}, TEN_CLASSES);
        return new Subsample(new int[] {10, 11, 12, 13}, images, new int[] {0, 0, 0, 0}, 100);
    }

    @Test
    void monotonicityComparesNeighbouringEpsilonsOfAnExhaustiveSweep() {
        PlannedAttack planned = new PlannedAttack(new Fgsm(), List.of(0.0, 0.1, 0.2));
        List<int[]> perEps = List.of(new int[] {0, 0, 0, 0}, new int[] {1, 1, 0, 0}, new int[] {1, 0, 0, 0}); // sample 1 robust again at 0.2
        Metrics.Indicator i = BudgetChecks.monotone(fourSamples(), planned, perEps);
        assertEquals(0.25, i.value(), 1e-12);
        assertEquals(0.2, i.epsilon());
        assertEquals(List.of(11), i.samples());
        assertTrue(i.triggered());
    }

    @Test
    void convergenceTakesTheLargestChangeEitherWay() {
        PlannedAttack planned = new PlannedAttack(new Fgsm(), List.of(0.1, 0.2));
        List<int[]> once = List.of(new int[] {0, 0, 0, 0}, new int[] {1, 1, 1, 0});
        List<int[]> twice = List.of(new int[] {0, 0, 0, 1}, new int[] {1, 0, 0, 0});
        // at 0.1 twice the steps fool one more (1.0 -> 0.75); at 0.2 they fool two fewer (0.25 -> 0.75): the larger change counts
        Metrics.Indicator i = BudgetChecks.convergence(fourSamples(), planned, once, twice);
        assertEquals(0.5, i.value(), 1e-12);
        assertEquals(0.2, i.epsilon());
        assertEquals(List.of(11, 12), i.samples());
        assertTrue(i.triggered());
    }

    @Test
    void theTracedEpsilonIsTheLargestThatLeavesSamplesToRead() {
        Subsample sub = fourSamples();
        List<Double> eps = List.of(0.0, 0.1, 0.2, 0.3);
        List<int[]> perEps = List.of(new int[] {0, 0, 0, 0}, new int[] {0, 0, 1, 1}, new int[] {1, 0, 1, 1}, new int[] {1, 1, 1, 1});
        assertEquals(0.2, LossTraces.tracedEpsilon(sub, eps, perEps)); // 0.3 fools everything; 0.2 leaves one of four
        List<int[]> allFooled = List.of(new int[] {0, 0, 0, 0}, new int[] {1, 1, 1, 1}, new int[] {1, 1, 1, 1}, new int[] {1, 1, 1, 1});
        assertEquals(0.1, LossTraces.tracedEpsilon(sub, eps, allFooled));
        assertEquals(0.0, LossTraces.tracedEpsilon(sub, List.of(0.0), List.of(new int[4])));
    }

    @Test
    void theSubsampleIsSeededSortedAndDistinct() {
        LabeledImages test = TestFixtures.mnistSubset().test();
        Evaluation ev = new Evaluation(test.shape(), test.labels(), test.labels(), List.of(), 0, 0, null);
        int[] a = Subsample.of(test, ev, 50, 3, 100).rows();
        assertArrayEquals(a, Subsample.of(test, ev, 50, 3, 100).rows());
        assertEquals(50, java.util.Arrays.stream(a).distinct().count());
        for (int k = 1; k < a.length; k++) {
            assertTrue(a[k] > a[k - 1]);
        }
        assertEquals(test.count(), Subsample.of(test, ev, test.count() + 5, 3, 100).count());
        assertNotNull(Subsample.of(test, ev, 50, 3, 100).images());
    }

    static EpsilonOutcome outcome(double eps, int[] predicted) {
        int n = predicted.length;
        return new EpsilonOutcome(eps, predicted, null, new float[n], new float[n], new int[] {n});
    }
}
