package advbench.indicators;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import advbench.RunLog;
import advbench.TestFixtures;
import advbench.attack.HopSkipJump;
import advbench.attack.Norm;
import advbench.attack.Pgd;
import advbench.attack.RedirectedAttack;
import advbench.attack.StepSize;
import advbench.data.LabeledImages;
import advbench.eval.AttackOutcome;
import advbench.eval.Evaluation;
import advbench.eval.Evaluator;
import advbench.eval.Metrics;
import advbench.eval.PlannedAttack;
import advbench.eval.Sweep;
import advbench.model.Bpda;
import advbench.model.Classifier;
import advbench.model.InputTransform;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * An adaptive evaluation end to end, on the trained test CNN behind bit-depth reduction to 3
 * bits (Xu et al.): plain PGD is blinded (its gradients are zero) and the indicators say so;
 * BPDA-PGD through the same model fools nearly what PGD fools on the undefended network, and the
 * indicators go quiet for it; a transfer attack from the undefended network and HopSkipJump, which
 * take no gradient of the defended model, both beat plain PGD, and the transfer indicator fires
 * for it.
 */
class AdaptiveEvaluationIT {
    static final int TEST = 200;

    @Test
    void bpdaTransferAndHopSkipJumpCorrectABlindedPgdAndTheIndicatorsSayWhich() {
        LabeledImages test = TestFixtures.mnistSubset().test().first(TEST);
        Classifier network = TestFixtures.trainedCnn();
        Classifier defended = network.defendedBy(new InputTransform.BitDepth(3));
        List<Double> eps = List.of(0.0, 0.1, 0.2);
        Pgd pgd = new Pgd("PGD-20", Norm.LINF, 20, StepSize.relative(2.5 / 20), 1, 7, null);
        List<PlannedAttack> attacks = List.of(new PlannedAttack(pgd, eps),
                new PlannedAttack(RedirectedAttack.bpda("BPDA-PGD-20", pgd, Bpda.IDENTITY), eps),
                new PlannedAttack(RedirectedAttack.transfer("PGD-20 (transfer)", pgd, network), eps),
                new PlannedAttack(new HopSkipJump("HSJA", Norm.LINF, 2_000, 1.0, 7), eps));
        Evaluation ev = new Evaluator(100, Sweep.FAST, RunLog.silent()).evaluate(defended, test, attacks, 0);
        Evaluation plain = new Evaluator(100, Sweep.FAST, RunLog.silent()).evaluate(network, test, List.of(new PlannedAttack(pgd, eps)), 0);

        double clean = accuracy(ev, ev.attacks().get(0), 0);
        double blinded = accuracy(ev, ev.attacks().get(0), 2);
        double bpda = accuracy(ev, ev.attacks().get(1), 2);
        double transfer = accuracy(ev, ev.attacks().get(2), 2);
        double hsja = accuracy(ev, ev.attacks().get(3), 2);
        double undefended = accuracy(plain, plain.attacks().get(0), 2);
        System.out.printf("bit depth 3, eps 0.2: clean %.3f, PGD-20 %.3f, BPDA-PGD-20 %.3f, transfer %.3f, HSJA-2000 %.3f;"
                + " PGD-20 on the undefended network %.3f%n", clean, blinded, bpda, transfer, hsja, undefended);
        assertTrue(clean > 0.85, "the defence keeps the clean accuracy: " + clean);
        assertTrue(blinded > clean - 0.25, "plain PGD is blinded: " + blinded + " of clean " + clean);
        assertTrue(bpda < undefended + 0.05, "BPDA-PGD within a few points of PGD on the undefended network: " + bpda + " vs " + undefended);
        assertTrue(transfer < blinded && hsja < blinded, "transfer " + transfer + " and HopSkipJump " + hsja + " below plain PGD " + blinded);
        assertTrue(ev.attacks().get(2).backwardPerSample() >= 20, "a transfer attack is charged its crafting on the source: "
                + ev.attacks().get(2).backwardPerSample());
        assertTrue(ev.attacks().get(3).backwardPerSample() == 0 && ev.attacks().get(3).forwardPerSample() > 1_000, "HopSkipJump: labels only");

        FailureIndicators.Report report = new FailureIndicators(100, RunLog.silent()).measure(defended, test, ev, attacks, 100, 11);
        Map<String, Metrics.Indicator> by = FailureIndicatorsIT.byName(report);
        assertTrue(by.get("unavailable gradients").triggered(), "the defended model's own gradients are zero");
        assertFalse(by.get("unavailable gradients BPDA-PGD-20").triggered(), "BPDA's are not");
        assertTrue(by.get("unbounded attack fails PGD-20").triggered(), "plain PGD cannot fool everything even with the whole box");
        assertFalse(by.get("unbounded attack fails BPDA-PGD-20").triggered(), "BPDA-PGD can");
        assertTrue(by.get("transfer beats white-box PGD-20").triggered(), "the transfer attack beats plain PGD");
        List<String> verdict = FailureIndicators.verdict("defended", report.indicators());
        assertTrue(verdict.stream().anyMatch(l -> l.contains("what to do") && l.contains("bpda: identity")), String.join("\n", verdict));
    }

    static double accuracy(Evaluation ev, AttackOutcome a, int epsilonIndex) {
        int[] predicted = a.perEpsilon().get(epsilonIndex).predicted();
        int correct = 0;
        for (int i = 0; i < predicted.length; i++) {
            correct += predicted[i] == ev.labels()[i] ? 1 : 0;
        }
        return correct / (double) predicted.length;
    }
}
