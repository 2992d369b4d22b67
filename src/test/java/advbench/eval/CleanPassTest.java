package advbench.eval;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import advbench.RunLog;
import advbench.TestFixtures;
import advbench.attack.Adversarial;
import advbench.attack.Batch;
import advbench.attack.Fgsm;
import advbench.attack.Loss;
import advbench.attack.Norm;
import advbench.attack.Pgd;
import advbench.attack.StepSize;
import advbench.attack.Target;
import advbench.data.LabeledImages;
import advbench.model.Classifier;
import advbench.model.ImageBatch;
import ai.djl.ndarray.NDManager;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The evaluator's clean pass gives the clean predictions and the gradient check from one pass per
 * batch, and untargeted FGSM reuses it: every number must be what the separate passes gave.
 */
class CleanPassTest {
    private static final List<Double> EPS = List.of(0.0, 0.1, 0.2, 0.3);

    @Test
    void fgsmReusingTheCleanPassGivesTheSameImagesAndPredictionsAsRunningItsOwn() {
        Classifier model = TestFixtures.synthetic().model();
        LabeledImages test = TestFixtures.synthetic().test().first(200);
        Evaluation e = new Evaluator(100, Sweep.FAST, RunLog.silent()).evaluate(model, test, List.of(new PlannedAttack(new Fgsm(), EPS)), 4);

        assertArrayEquals(model.predictAll(test, 100), e.cleanPredicted(), "clean predictions from the clean pass");
        GradientFaults faults = GradientFaults.of(model, test, 100);
        assertEquals(faults.count(faults.zero()), e.zeroGradients());
        assertEquals(faults.count(faults.nonFinite()), e.nanGradients());

        for (int from = 0; from < test.count(); from += 100) {
            int to = Math.min(test.count(), from + 100);
            try (NDManager scope = model.manager().newSubManager()) {
                Batch own = new Batch(ImageBatch.of(scope, test, from, to), test.labelRange(from, to), Evaluator.range(from, to));
                List<Adversarial> swept = EpsilonSweeper.run(new Fgsm(), model, own, EPS, Sweep.FAST);
                for (int k = 0; k < EPS.size(); k++) {
                    EpsilonOutcome out = e.attacks().get(0).perEpsilon().get(k);
                    Adversarial adv = swept.get(k);
                    for (int i = 0; i < to - from; i++) {
                        assertEquals(adv.predicted()[i], out.predicted()[from + i], "eps " + EPS.get(k) + ", sample " + (from + i));
                    }
                    float[] linf = adv.images().sub(own.images()).abs().reshape(to - from, -1).max(new int[] {1}).toFloatArray();
                    for (int i = 0; i < to - from; i++) {
                        assertEquals(linf[i], out.linf()[from + i], 0f, "perturbation of sample " + (from + i) + " at eps " + EPS.get(k));
                    }
                }
            }
        }
        assertTrue(e.attacks().get(0).perEpsilon().get(3).attackedCount() < test.count(), "the sweep's shortcuts stay on");
    }

    @Test
    void thePassRidesAlongTheFirstAttackThatReusesItElseTheFirst() {
        Pgd pgd = new Pgd("PGD-5", Norm.LINF, 5, StepSize.relative(0.25), 1, 3, null);
        Fgsm margin = new Fgsm("FGSM-margin", null, Loss.margin());
        Fgsm targeted = new Fgsm("FGSM-T", new Target.LeastLikely(), Loss.crossEntropy());
        assertTrue(new Fgsm().reusesCleanPass());
        assertFalse(margin.reusesCleanPass(), "another loss is another pass");
        assertFalse(targeted.reusesCleanPass(), "a targeted attack descends the target's loss");
        assertFalse(pgd.reusesCleanPass());
        assertEquals(1, CleanPass.host(List.of(new PlannedAttack(pgd, EPS), new PlannedAttack(new Fgsm(), EPS))));
        assertEquals(0, CleanPass.host(List.of(new PlannedAttack(pgd, EPS), new PlannedAttack(margin, EPS))));
        assertEquals(-1, CleanPass.host(List.of()));
    }

    @Test
    void withoutAttacksTheCleanPassRunsOnItsOwn() {
        Classifier model = TestFixtures.synthetic().model();
        LabeledImages test = TestFixtures.synthetic().test().first(120);
        Evaluation e = new Evaluator(50, Sweep.FAST, RunLog.silent()).evaluate(model, test, List.of(), 3);
        assertArrayEquals(model.predictAll(test, 50), e.cleanPredicted());
        assertEquals(3, e.examples().clean().predicted().length);
    }

    @Test
    void anAttackThatDoesNotReuseThePassIsNotChargedForIt() {
        Classifier model = TestFixtures.synthetic().model();
        LabeledImages test = TestFixtures.synthetic().test().first(100);
        Pgd pgd = new Pgd("PGD-3", Norm.LINF, 3, StepSize.relative(0.4), 1, 3, null);
        AttackOutcome alone = new Evaluator(100, Sweep.EXHAUSTIVE, RunLog.silent())
                .evaluate(model, test, List.of(new PlannedAttack(pgd, List.of(0.1))), 0).attacks().get(0);
        // exhaustive PGD-3 at one epsilon: 3 gradient steps and a final forward per sample, whatever ran beside it
        assertEquals(3.0, alone.backwardPerSample(), 1e-9);
        AttackOutcome fgsm = new Evaluator(100, Sweep.EXHAUSTIVE, RunLog.silent())
                .evaluate(model, test, List.of(new PlannedAttack(new Fgsm(), List.of(0.0, 0.1))), 0).attacks().get(0);
        assertEquals(1.0, fgsm.backwardPerSample(), 1e-9, "FGSM is charged for the pass it reused");
    }
}
