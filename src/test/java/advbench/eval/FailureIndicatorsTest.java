package advbench.eval;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import advbench.RunLog;
import advbench.TestFixtures;
import advbench.attack.Fgsm;
import advbench.attack.Norm;
import advbench.attack.Pgd;
import advbench.attack.StepSize;
import advbench.data.LabeledImages;
import advbench.model.Classifier;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * The indicators of attack failure stay silent on a normally trained CNN and fire on models built
 * to make attacks fail; the sample-level arithmetic is checked on hand-made outcomes.
 */
class FailureIndicatorsTest {
    static final int TEST = 300;
    static final int SUBSAMPLE = 100;

    static List<PlannedAttack> attacks() {
        List<Double> eps = List.of(0.0, 0.1, 0.2, 0.3);
        return List.of(new PlannedAttack(new Fgsm(), eps),
                new PlannedAttack(new Pgd("PGD-10", Norm.LINF, 10, StepSize.relative(0.25), 1, 7, null), eps));
    }

    static Map<String, Metrics.Indicator> measure(Classifier model) {
        LabeledImages test = TestFixtures.mnistSubset().test().first(TEST);
        Evaluation ev = new Evaluator(100, Sweep.FAST, RunLog.silent()).evaluate(model, test, attacks(), 0);
        List<Metrics.Indicator> all = new FailureIndicators(100, RunLog.silent()).measure(model, test, ev, attacks(), SUBSAMPLE, 11);
        return all.stream().collect(Collectors.toMap(i -> i.name() + (i.attack() == null ? "" : " " + i.attack()), Function.identity()));
    }

    @Test
    void noIndicatorFiresOnTheNormallyTrainedCnn() {
        Map<String, Metrics.Indicator> ind = measure(TestFixtures.trainedCnn());
        ind.values().forEach(i -> assertFalse(i.triggered(), i.toString()));
        assertEquals(0, ind.get("unavailable gradients").value());
        assertEquals(0, ind.get("unbounded attack fails PGD-10").value());
        assertTrue(ind.containsKey("accuracy rises with epsilon FGSM"));
        assertTrue(ind.containsKey("noise beats gradient attacks (L-inf)"));
        assertTrue(ind.containsKey("single step beats iterative FGSM"));
        assertFalse(ind.containsKey("unbounded attack fails FGSM"), "a single step is not asked to fool at eps 1");
        assertEquals(0, ind.get("silent success PGD-10").value(), "the first-success rule keeps every success");
        assertTrue(ind.containsKey("incomplete optimisation PGD-10"));
    }

    /** PGD with a step of 1% of epsilon: 10 steps cover a tenth of the ball, and the loss is still climbing at the end. */
    @Test
    void anAttackWithTooSmallAStepIsIncomplete() {
        Classifier model = TestFixtures.trainedCnn();
        LabeledImages test = TestFixtures.mnistSubset().test().first(TEST);
        List<PlannedAttack> crawl = List.of(new PlannedAttack(
                new Pgd("PGD-crawl", Norm.LINF, 10, StepSize.relative(0.01), 1, Pgd.Start.CLEAN, 7, null, advbench.attack.Loss.crossEntropy()),
                List.of(0.0, 0.3)));
        Evaluation ev = new Evaluator(100, Sweep.FAST, RunLog.silent()).evaluate(model, test, crawl, 0);
        Metrics.Indicator i = new FailureIndicators(100, RunLog.silent()).measure(model, test, ev, crawl, SUBSAMPLE, 11).stream()
                .filter(x -> x.name().equals("incomplete optimisation")).findFirst().orElseThrow();
        assertTrue(i.triggered(), i.toString());
        assertTrue(i.value() > 0.9, i.toString());
    }

    @Test
    void aLossStillRisingAtTheEndIsIncompleteAPlateauIsNot() {
        double[] linear = new double[41];
        double[] plateau = new double[41];
        for (int t = 0; t <= 40; t++) {
            linear[t] = t;
            plateau[t] = Math.min(t, 20) + (t % 2 == 0 ? 0 : -0.5); // noisy, but its running best stops at step 20
        }
        assertTrue(FailureIndicators.stillRising(linear)); // the last 10 of 40 steps: a quarter of the rise
        assertFalse(FailureIndicators.stillRising(plateau));
        assertFalse(FailureIndicators.stillRising(new double[] {1, 1, 1}));
        double[] late = {0, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1.04};
        assertFalse(FailureIndicators.stillRising(late)); // 0.04 of the whole rise in the last 10 steps
        late[12] = 1.06;
        assertTrue(FailureIndicators.stillRising(late));
    }

    /** round(8x) / 8 in front of the network: the gradient through round is 0, so every gradient attack is blind. */
    @Test
    void aQuantisedInputZeroesTheGradientAndTheUnboundedAttackFails() {
        Classifier quantised = Classifier.transformed(TestFixtures.trainedCnn(), "quantised", x -> x.mul(8).round().div(8), z -> z);
        Map<String, Metrics.Indicator> ind = measure(quantised);
        assertTrue(ind.get("unavailable gradients").triggered(), ind.get("unavailable gradients").toString());
        assertEquals(1.0, ind.get("unavailable gradients").value(), 1e-9);
        assertTrue(ind.get("unbounded attack fails PGD-10").triggered());
    }

    /** Logits times 1e4: the softmax saturates, and the cross-entropy gradient of a correct sample underflows to exactly 0. */
    @Test
    void saturatedLogitsVanishTheGradient() {
        Classifier saturated = Classifier.transformed(TestFixtures.trainedCnn(), "saturated", x -> x, z -> z.mul(1e4f));
        Metrics.Indicator g = measure(saturated).get("unavailable gradients");
        assertTrue(g.triggered(), g.toString());
        assertTrue(g.value() > 0.5, g.toString());
    }

    /** Fresh uniform noise on the input at every forward: repeated forwards differ. */
    @Test
    void aModelThatDrawsNoiseAtEveryForwardIsRandomised() {
        Classifier noisy = Classifier.transformed(TestFixtures.trainedCnn(), "noisy",
                x -> x.add(x.getManager().randomUniform(-0.3f, 0.3f, x.getShape())).clip(0f, 1f), z -> z);
        assertTrue(measure(noisy).get("randomised model").triggered());
    }

    @Test
    void singleStepBeatsIterativeCountsSamplesNotAccuracies() {
        int[] labels = {0, 0, 0, 0, 0};
        int[] clean = {0, 0, 0, 0, 1}; // the last is wrong clean and does not count
        int[] fgsm = {1, 1, 0, 0, 1};  // fools 0 and 1
        int[] pgd = {1, 0, 1, 1, 1};   // fools 0, 2 and 3: far stronger, yet misses 1
        Evaluation ev = new Evaluation(MetricsCalculatorTest.TEN_CLASSES, labels, clean, List.of(
                new AttackOutcome("FGSM", Norm.LINF, false, null, List.of(outcome(0.1, fgsm))),
                new AttackOutcome("PGD", Norm.LINF, true, null, List.of(outcome(0.1, pgd)))), 0, 0, null);
        Metrics.Indicator i = FailureIndicators.singleStep(ev).get(0);
        assertEquals(0.25, i.value(), 1e-12); // 1 of 4 clean-correct
        assertEquals(List.of(1), i.samples());
        assertTrue(i.triggered());
        assertEquals(0.1, i.epsilon());
    }

    @Test
    void monotonicityComparesNeighbouringEpsilonsOfAnExhaustiveSweep() {
        LabeledImages sub = new LabeledImages(new float[4 * 784], new int[] {0, 0, 0, 0}, MetricsCalculatorTest.TEN_CLASSES);
        int[] clean = {0, 0, 0, 0};
        PlannedAttack planned = new PlannedAttack(new Fgsm(), List.of(0.0, 0.1, 0.2));
        List<int[]> perEps = List.of(new int[] {0, 0, 0, 0}, new int[] {1, 1, 0, 0}, new int[] {1, 0, 0, 0}); // sample 1 robust again at 0.2
        Metrics.Indicator i = FailureIndicators.monotone(sub, new int[] {10, 11, 12, 13}, clean, planned, perEps);
        assertEquals(0.25, i.value(), 1e-12);
        assertEquals(0.2, i.epsilon());
        assertEquals(List.of(11), i.samples());
        assertTrue(i.triggered());
    }

    @Test
    void theSubsampleIsSeededSortedAndDistinct() {
        int[] a = FailureIndicators.subsample(1000, 50, 3);
        assertArrayEquals(a, FailureIndicators.subsample(1000, 50, 3));
        assertEquals(50, java.util.Arrays.stream(a).distinct().count());
        for (int k = 1; k < a.length; k++) {
            assertTrue(a[k] > a[k - 1]);
        }
        assertEquals(10, FailureIndicators.subsample(10, 50, 3).length);
    }

    static EpsilonOutcome outcome(double eps, int[] predicted) {
        int n = predicted.length;
        return new EpsilonOutcome(eps, predicted, null, new float[n], new float[n], new int[] {n});
    }
}
