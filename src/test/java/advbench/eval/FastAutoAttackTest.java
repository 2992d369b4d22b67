package advbench.eval;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import advbench.RunLog;
import advbench.TestFixtures;
import advbench.attack.Attack;
import advbench.attack.AutoAttack;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/**
 * The fast AutoAttack's audit on the synthetic fixture, through the evaluator that owns it: a
 * sample the audit reaches gets the standard ensemble's verdict exactly (APGD-T's run towards a
 * class is the same whichever order or subset of targets reaches it), so an audit of every robust
 * sample, or an escalation, gives the standard result sample by sample; without escalation the
 * fast result is never below the standard one, and its audit is reported as it happened. And the
 * statistics the audit states.
 */
class FastAutoAttackTest {
    static final double EPS = 0.05;
    static final int SAMPLES = 80;

    /** A cheap ensemble (the code of the defaults at small budgets): 3 target classes, 1 of them fast. */
    static AutoAttack ensemble(String version, AutoAttack.Audit audit) {
        AutoAttack.Spec spec = new AutoAttack.Spec(null, version, null, 5, 3, 40, version.equals("fast") ? 1 : null, null, null, null, null, null);
        AutoAttack built = (AutoAttack) spec.build(3);
        return audit == null ? built : new AutoAttack(built.name(), built.norm(), built.attacks(), audit);
    }

    static EpsilonOutcome run(Attack attack) {
        return evaluation(attack).attacks().get(0).perEpsilon().get(0);
    }

    static Evaluation evaluation(Attack attack) {
        TestFixtures.Synthetic s = TestFixtures.synthetic();
        return new Evaluator(32, Sweep.FAST, RunLog.silent()).evaluate(s.model(), s.test().first(SAMPLES),
                List.of(new PlannedAttack(attack, List.of(EPS))), 0);
    }

    static boolean[] robust(EpsilonOutcome e) {
        boolean[] r = new boolean[e.stages().length];
        for (int i = 0; i < r.length; i++) {
            r[i] = e.stages()[i] == -1;
        }
        return r;
    }

    @Test
    void anAuditOfEverySampleOrAnEscalationGivesTheStandardVerdictSampleBySample() {
        AutoAttack standard = ensemble("standard", null);
        boolean[] reference = robust(run(standard));
        int robustCount = (int) IntStream.range(0, reference.length).filter(i -> reference[i]).count();
        assertTrue(robustCount > 0 && robustCount < SAMPLES, "the fixture leaves some samples robust at " + EPS + ": " + robustCount);

        Evaluation all = evaluation(ensemble("fast", new AutoAttack.Audit(2, 1_000_000, 0, 0, 3)));
        assertArrayEquals(reference, robust(all.attacks().get(0).perEpsilon().get(0)), "every robust sample audited: the standard verdict");
        FastAudit audit = all.attacks().get(0).ensemble().audits().get(0);
        assertEquals(audit.robustAfterFast(), audit.audited(), "every sample robust after the fast stages was audited");

        // a tolerance below zero escalates whatever the audit finds
        Evaluation escalated = evaluation(ensemble("fast", new AutoAttack.Audit(2, 3, 0, -1, 3)));
        assertArrayEquals(reference, robust(escalated.attacks().get(0).perEpsilon().get(0)), "escalated: the standard verdict");
        assertTrue(escalated.attacks().get(0).ensemble().audits().get(0).escalated());
    }

    @Test
    void withoutEscalationTheFastResultIsAtLeastTheStandardOneAndItsAuditIsReported() {
        boolean[] reference = robust(run(ensemble("standard", null)));
        Evaluation fast = evaluation(ensemble("fast", new AutoAttack.Audit(2, 4, 0, 1_000, 3)));
        AttackOutcome outcome = fast.attacks().get(0);
        boolean[] robust = robust(outcome.perEpsilon().get(0));
        for (int i = 0; i < SAMPLES; i++) {
            assertTrue(robust[i] || !reference[i], "sample " + i + ": robust to the standard ensemble but fooled by the fast one");
        }
        FastAudit audit = outcome.ensemble().audits().get(0);
        assertFalse(audit.escalated());
        assertEquals(Math.min(4, audit.robustAfterFast()), audit.audited());
        List<StageCost> costs = outcome.ensemble().costs().get(0);
        assertEquals(outcome.stages(), costs.stream().map(StageCost::stage).toList());
        assertEquals(audit.audited(), costs.get(3).entered(), "the skipped stages' first took the audited samples");
        assertEquals(audit.robustAfterFast(), costs.get(2).left(), "the fast stages' last left the robust ones");
        assertEquals(costs.get(2).entered(), costs.get(1).left(), "a stage takes what the one before it left");
        assertTrue(costs.get(1).backward() > 0 && costs.get(5).backward() == 0, "APGD-CE takes gradients, Square none");
        Metrics.Point point = MetricsCalculator.compute(fast).attacks().get(0).points().get(0);
        assertEquals(audit.audited(), point.audit().audited());
        assertEquals(costs.get(1).forward(), point.stages().get(1).forward());
    }

    /** What the audit fools at a smaller epsilon stays fooled at a larger one (the sweep's carry, after the audit). */
    @Test
    void aSampleTheAuditFoolsAtASmallerEpsilonIsFooledAtEveryLargerOne() {
        TestFixtures.Synthetic s = TestFixtures.synthetic();
        Evaluation ev = new Evaluator(32, Sweep.FAST, RunLog.silent()).evaluate(s.model(), s.test().first(SAMPLES),
                List.of(new PlannedAttack(ensemble("fast", new AutoAttack.Audit(2, 5, 2, 1_000, 3)), List.of(0.08, 0.03, 0.05))), 0);
        List<EpsilonOutcome> perEps = ev.attacks().get(0).perEpsilon();
        boolean[] at003 = robust(perEps.get(1));
        boolean[] at005 = robust(perEps.get(2));
        boolean[] at008 = robust(perEps.get(0));
        for (int i = 0; i < SAMPLES; i++) {
            assertTrue(at003[i] || !at005[i], "sample " + i + ": fooled at 0.03, robust at 0.05");
            assertTrue(at005[i] || !at008[i], "sample " + i + ": fooled at 0.05, robust at 0.08");
        }
    }

    /**
     * The nearest part takes blocks of the smallest clean margins for as long as a block finds a
     * miss; the random part is drawn from the samples outside the first block and runs with it, and
     * the skipped stages' first member takes the samples of both.
     */
    @Test
    void theNearestPartGrowsByBlocksWhileItFindsAndTheRandomPartTakesTheOthers() {
        Evaluation ev = evaluation(ensemble("fast", new AutoAttack.Audit(2, 4, 3, 1_000, 3)));
        AttackOutcome outcome = ev.attacks().get(0);
        FastAudit audit = outcome.ensemble().audits().get(0);
        int robust = audit.robustAfterFast();
        assertTrue(robust > 8, "the fixture leaves enough robust samples for both parts: " + robust);
        assertTrue(audit.nearest() == robust || audit.nearest() % 3 == 0, "whole blocks of 3 unless the robust ran out: " + audit.nearest());
        assertTrue(audit.nearest() >= 3);
        assertTrue(audit.nearest() == 3 || audit.nearestFooled() > 0, "a block after the first only when the ones before found a miss");
        assertEquals(robust - 3, audit.randomFrom(), "drawn from the samples outside the first block");
        assertEquals(Math.min(4, robust - 3), audit.random());
        assertTrue(audit.audited() <= robust);
        if (!audit.escalated()) {
            assertEquals(audit.audited(), outcome.ensemble().costs().get(0).get(3).entered(), "both parts go through the skipped stages");
        }
        Metrics.Audit written = MetricsCalculator.compute(ev).attacks().get(0).points().get(0).audit();
        assertEquals(audit.nearest(), written.nearest());
        assertEquals(audit.randomFooled(), written.randomFooled());
        assertEquals(audit.randomFrom(), written.randomFrom());
    }

    @Test
    void aFindOfAGradientFreeStageEscalatesWhateverTheToleranceAndTheBoundIsOverTheOthers() {
        assertTrue(FastAudit.of(0.3, 800, 20, 2, 100, 0, 780, 1, 5).escalated(), "Square fooled an audited sample: masked gradients");
        FastAudit nearOnly = FastAudit.of(0.1, 940, 40, 2, 100, 0, 920, 0, 0);
        assertFalse(nearOnly.escalated(), "FAB-T's finds among the nearest count, and do not by themselves escalate");
        assertEquals(2, nearOnly.fooled());
        assertEquals(140, nearOnly.audited());
        assertEquals(1 - Math.pow(0.05, 1 / 100.0), nearOnly.upperBound(), 1e-9);
        assertTrue(nearOnly.describe("AutoAttack-fast").contains("fooled 2 of the 40 nearest"), nearOnly.describe("AutoAttack-fast"));
        assertEquals(0.0, FastAudit.of(0.1, 50, 30, 1, 20, 0, 20, 0, 0).upperBound(), "the random part took all the others");
        FastAudit clean = FastAudit.of(0.0, 900, 0, 0, 0, 0, 0, 0, 0);
        assertEquals(0.0, clean.upperBound(), "at eps 0 nothing can be missed");
        assertTrue(clean.describe("AutoAttack-fast").contains("nothing to audit"));
    }

    @Test
    void theAuditSubsampleIsSeededAndDoesNotDependOnTheBatches() {
        int[] robust = IntStream.range(0, 500).filter(i -> i % 3 != 0).toArray();
        int[] a = FastAudit.pick(robust, 50, 7);
        assertEquals(50, a.length);
        assertArrayEquals(a, FastAudit.pick(robust, 50, 7));
        assertFalse(java.util.Arrays.equals(a, FastAudit.pick(robust, 50, 8)), "another seed, another subsample");
        // a sample picked among all of them is picked among any part that holds it
        int[] part = IntStream.of(robust).filter(i -> i < 250).toArray();
        int[] fromPart = FastAudit.pick(part, 50, 7);
        for (int i : a) {
            assertTrue(i >= 250 || java.util.Arrays.binarySearch(fromPart, i) >= 0, "sample " + i);
        }
        assertEquals(robust.length, FastAudit.pick(robust, 10_000, 7).length, "no more than there are");
        assertEquals(robust.length - 50, FastAudit.notAudited(robust, a).length);
    }

    @Test
    void clopperPearsonUpperBoundsMatchTheirClosedFormsAndTables() {
        // no success in n: the bound is 1 - alpha^(1/n)
        assertEquals(1 - Math.pow(0.05, 1 / 100.0), advbench.Binomial.clopperPearsonUpper(0, 100, 0.05), 1e-9);
        assertEquals(1 - Math.pow(0.05, 1 / 20.0), advbench.Binomial.clopperPearsonUpper(0, 20, 0.05), 1e-9);
        // one in 100: 0.0466 (one-sided 95%, e.g. scipy.stats.beta.ppf(0.95, 2, 99))
        assertEquals(0.04656, advbench.Binomial.clopperPearsonUpper(1, 100, 0.05), 5e-5);
        // five in 200: beta.ppf(0.95, 6, 195) = 0.0518
        assertEquals(0.05184, advbench.Binomial.clopperPearsonUpper(5, 200, 0.05), 5e-5);
        assertEquals(1.0, advbench.Binomial.clopperPearsonUpper(3, 3, 0.05));
        FastAudit everyOne = FastAudit.of(0.3, 40, 0, 0, 40, 0, 40, 0, 0);
        assertEquals(0.0, everyOne.upperBound(), "every robust sample audited: nothing left unknown");
        assertTrue(FastAudit.of(0.3, 700, 0, 0, 100, 1, 700, 0, 0).escalated(), "one miss beyond a tolerance of 0 escalates");
        assertFalse(FastAudit.of(0.3, 700, 0, 0, 100, 1, 700, 0, 1).escalated());
    }
}
