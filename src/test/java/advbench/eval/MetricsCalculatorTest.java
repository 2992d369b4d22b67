package advbench.eval;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import advbench.attack.Norm;
import advbench.data.DataShape;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Metrics on a hand-made case whose numbers can be checked on paper. */
class MetricsCalculatorTest {
    static final DataShape TEN_CLASSES = new DataShape(1, 28, 28, 10, null);

    static Evaluation evaluation(int[] labels, int[] clean, List<AttackOutcome> attacks, int zero, int nan) {
        return new Evaluation(TEN_CLASSES, labels, clean, attacks, zero, nan, null);
    }

    // six samples: classes 0, 0, 1, 1, 2, 2
    static final int[] LABELS = {0, 0, 1, 1, 2, 2};
    static final int[] CLEAN = {0, 0, 1, 2, 2, 2};   // one mistake: a 1 taken for a 2
    static final int[] ATTACKED = {0, 1, 1, 2, 0, 2}; // fools samples 1 and 4; sample 3 stays wrong

    @Test
    void cleanPrecisionRecallF1AndConfusion() {
        Metrics.Clean c = MetricsCalculator.clean(LABELS, CLEAN, 10);
        assertEquals(5.0 / 6, c.accuracy(), 1e-12);
        assertArrayEquals(new int[] {2, 0, 0}, java.util.Arrays.copyOf(c.confusionMatrix()[0], 3));
        assertArrayEquals(new int[] {0, 1, 1}, java.util.Arrays.copyOf(c.confusionMatrix()[1], 3));
        Metrics.ClassScores two = c.perClass().get(2);
        assertEquals(2, two.support());
        assertEquals(2.0 / 3, two.precision(), 1e-12); // 3 predicted as 2, 2 right
        assertEquals(1.0, two.recall(), 1e-12);
        assertEquals(0.8, two.f1(), 1e-12);
        Metrics.ClassScores one = c.perClass().get(1);
        assertEquals(1.0, one.precision(), 1e-12);
        assertEquals(0.5, one.recall(), 1e-12);
        assertEquals(0, c.perClass().get(7).support());
    }

    @Test
    void attackPointCountsSuccessAmongCleanCorrectOnly() {
        EpsilonOutcome e = new EpsilonOutcome(0.1, ATTACKED, null,
                new float[] {0.1f, 0.1f, 0.05f, 0.1f, 0.1f, 0f}, new float[] {1, 2, 3, 4, 5, 6}, new int[] {6});
        Metrics m = MetricsCalculator.compute(evaluation(LABELS, CLEAN,
                List.of(new AttackOutcome("A", Norm.LINF, false, null, List.of(e))), 0, 0));
        Metrics.Point p = m.attacks().get(0).points().get(0);
        assertEquals(3.0 / 6, p.accuracy(), 1e-12);
        assertEquals(2.0 / 5, p.successRate(), 1e-12); // 5 clean-correct, 2 of them fooled
        assertEquals(0.075, p.meanLinf(), 1e-6);
        assertEquals(0.1, p.maxLinf(), 1e-6);
        assertEquals(3.5, p.meanL2(), 1e-12);
        assertArrayEquals(new double[] {0.5, 0.5, 0.5}, java.util.Arrays.copyOf(p.perClassAccuracy(), 3), 1e-12);
        assertEquals("L-inf", m.attacks().get(0).norm());
    }

    /** Sample 3 is a 1 taken for a 2 when clean; an attack that moves it back to 1 does not make it robust (#17). */
    @Test
    void anAttackThatRepairsACleanMistakeDoesNotCountItAsRobust() {
        int[] repaired = {0, 1, 1, 1, 0, 2}; // fools samples 1 and 4, and "repairs" sample 3
        EpsilonOutcome e = new EpsilonOutcome(0.1, repaired, null, new float[6], new float[6], new int[] {6});
        Metrics m = MetricsCalculator.compute(evaluation(LABELS, CLEAN,
                List.of(new AttackOutcome("A", Norm.LINF, false, null, List.of(e))), 0, 0));
        Metrics.Point p = m.attacks().get(0).points().get(0);
        assertEquals(3.0 / 6, p.accuracy(), 1e-12); // samples 0, 2 and 5; not 3
        assertArrayEquals(new double[] {0.5, 0.5, 0.5}, java.util.Arrays.copyOf(p.perClassAccuracy(), 3), 1e-12);
        assertEquals(3.0 / 6, m.worstCase().get(0).points().get(0).accuracy(), 1e-12); // the same as the worst case of one attack
    }

    @Test
    void warnsWhenTheSingleStepAttackIsFarWeakerThanTheIterativeOne() {
        int[] labels = {0, 1, 2, 3};
        EpsilonOutcome fgsm = new EpsilonOutcome(0.3, new int[] {0, 1, 2, 3}, null, new float[4], new float[4], new int[] {4});
        EpsilonOutcome pgd = new EpsilonOutcome(0.3, new int[] {1, 1, 0, 0}, null, new float[4], new float[4], new int[] {4});
        Metrics m = MetricsCalculator.compute(evaluation(labels, labels, List.of(
                new AttackOutcome("FGSM", Norm.LINF, false, null, List.of(fgsm)),
                new AttackOutcome("PGD-40", Norm.LINF, true, null, List.of(pgd))), 0, 0));
        assertEquals(1, m.warnings().size(), m.warnings().toString());
        assertEquals("FGSM leaves 75.0 points more accuracy than PGD-40 at epsilon 0.3: robustness to the single step only, "
                + "a sign of gradient masking or catastrophic overfitting", m.warnings().get(0));
        assertEquals(0.25, m.worstCase().get(0).points().get(0).accuracy(), 1e-12);
    }

    /** An undefended model: FGSM 60%, PGD 10% at a moderate epsilon is normal, not masking. */
    @Test
    void aLargeGapBelowTheFloorIsNoWarning() {
        int[] labels = {0, 1, 2, 3, 4, 5, 6, 7, 8, 9};
        int[] fgsmPredicted = {0, 1, 2, 3, 4, 5, 0, 0, 0, 0};
        int[] pgdPredicted = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0};
        Metrics m = MetricsCalculator.compute(evaluation(labels, labels, List.of(
                new AttackOutcome("FGSM", Norm.LINF, false, null,
                        List.of(new EpsilonOutcome(0.1, fgsmPredicted, null, new float[10], new float[10], new int[] {10}))),
                new AttackOutcome("PGD-40", Norm.LINF, true, null,
                        List.of(new EpsilonOutcome(0.1, pgdPredicted, null, new float[10], new float[10], new int[] {10})))), 0, 0));
        assertEquals(List.of(), m.warnings());
    }

    /** A data set of four classes gets four per-class numbers and a 4 x 4 confusion matrix. */
    @Test
    void theClassCountComesFromTheData() {
        int[] labels = {0, 1, 2, 3, 3};
        EpsilonOutcome e = new EpsilonOutcome(0.1, new int[] {0, 1, 0, 3, 3}, null, new float[5], new float[5], new int[] {5});
        Metrics m = MetricsCalculator.compute(new Evaluation(new DataShape(3, 16, 16, 4, null), labels, labels,
                List.of(new AttackOutcome("A", Norm.LINF, false, null, List.of(e))), 0, 0, null));
        assertEquals(4, m.clean().confusionMatrix().length);
        assertEquals(4, m.clean().perClass().size());
        assertArrayEquals(new double[] {1, 1, 0, 1}, m.attacks().get(0).points().get(0).perClassAccuracy(), 1e-12);
    }

    /** AutoAttack's Square check: a gradient-free attack fooling what every gradient attack missed, beyond 0.2% of the samples. */
    @Test
    void squareBeatingTheGradientAttacksIsAWarning() {
        int n = 1000;
        int[] labels = new int[n];
        int[] pgd = new int[n];
        for (int i = 0; i < 900; i++) {
            pgd[i] = 1; // PGD fools 900 and misses 100
        }
        java.util.function.IntFunction<List<String>> warningsWithExtra = extra -> {
            int[] square = new int[n];
            for (int i = 0; i < 500; i++) {
                square[i] = 1;
            }
            for (int i = 900; i < 900 + extra; i++) {
                square[i] = 1; // fooled by Square only
            }
            Evaluation ev = new Evaluation(TEN_CLASSES, labels, new int[n], List.of(
                    new AttackOutcome("PGD-40", Norm.LINF, true, null,
                            List.of(new EpsilonOutcome(0.3, pgd, null, new float[n], new float[n], new int[] {n}))),
                    new AttackOutcome("Square", Norm.LINF, false, null,
                            List.of(new EpsilonOutcome(0.3, square, null, new float[n], new float[n], new int[] {n})), null, 0, 0, true, null, 0)),
                    0, 0, null);
            return MetricsCalculator.compute(ev).warnings();
        };
        assertEquals(List.of(), warningsWithExtra.apply(2), "2 of 1000 is within AutoAttack's 0.2%; Square is no single-step attack");
        assertEquals(List.of("Square, which uses no gradient, fools 3 samples (0.30%) that every gradient attack missed at epsilon 0.3:"
                + " a sign of gradient masking"), warningsWithExtra.apply(3));
    }
}
