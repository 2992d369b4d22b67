package advbench.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import advbench.RunLog;
import advbench.TestFixtures;
import advbench.attack.Fgsm;
import advbench.attack.Loss;
import advbench.attack.MiFgsm;
import advbench.attack.Norm;
import advbench.attack.Pgd;
import advbench.attack.StepSize;
import advbench.data.LabeledImages;
import advbench.model.Classifier;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The promise for the sweep shortcuts: worst-case accuracy is the same with them on and
 * off, on a small real subset, with random starts and restarts in play and batches that split
 * the subset differently.
 */
class SweepShortcutsIT {

    @Test
    void worstCaseAccuracyIsTheSameWithAndWithoutShortcuts() {
        Classifier model = TestFixtures.trainedCnn();
        LabeledImages test = TestFixtures.mnistSubset().test().first(300);
        List<Double> eps = List.of(0.0, 0.05, 0.1, 0.2, 0.3);
        List<PlannedAttack> attacks = List.of(
                new PlannedAttack(new Fgsm(), eps),
                new PlannedAttack(new Pgd("PGD-10x2", Norm.LINF, 10, StepSize.relative(0.25), 2, 7, null), eps),
                new PlannedAttack(new MiFgsm("MI-FGSM-10", 10, StepSize.relative(0.1), 1.0, null, Loss.crossEntropy()), eps));
        RunLog quiet = RunLog.silent();
        Metrics off = MetricsCalculator.compute(new Evaluator(128, Sweep.EXHAUSTIVE, quiet).evaluate(model, test, attacks, 0));
        Metrics on = MetricsCalculator.compute(new Evaluator(100, Sweep.FAST, quiet).evaluate(model, test, attacks, 0));

        List<Metrics.WorstPoint> a = off.worstCase().get(0).points();
        List<Metrics.WorstPoint> b = on.worstCase().get(0).points();
        assertEquals(a.size(), b.size());
        for (int i = 0; i < a.size(); i++) {
            assertEquals(a.get(i).accuracy(), b.get(i).accuracy(), 0.0, "worst case at eps " + a.get(i).epsilon());
        }
        assertTrue(b.get(b.size() - 1).accuracy() < b.get(0).accuracy(), "the attacks must actually fool something");
        // and the shortcuts did save work: PGD attacked fewer samples at the largest epsilon
        List<Metrics.Point> pgd = on.attacks().get(1).points();
        assertTrue(pgd.get(pgd.size() - 1).attacked() < test.count(), "samples attacked at eps 0.3: " + pgd.get(pgd.size() - 1).attacked());
        assertEquals(test.count(), off.attacks().get(1).points().get(4).attacked());
    }
}
