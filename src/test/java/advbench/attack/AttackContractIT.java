package advbench.attack;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import advbench.TestFixtures;
import advbench.data.LabeledImages;
import advbench.eval.Sweep;
import advbench.model.Classifier;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The integration tier's attack contract: every registered attack with its defaults (as an
 * experiment file that names only its type gets them; the six whose defaults cost thousands of
 * passes per sample at the budgets below) and the variants below, on 50 real MNIST
 * test images (each spec is swept three times over all its epsilons: 50 keep the tier under 10 minutes) and small-cnn trained on 4,000 MNIST images; and the strength checks that need a
 * really trained model: an iterative attack fools every sample FGSM fools, and FGSM uses its whole
 * budget and fools most samples at 0.3.
 */
class AttackContractIT extends AttackContract {

    @Override
    Stream<String> attacks() {
        // the AutoAttack components' defaults cost thousands of passes per robust sample (APGD-T and FAB-T: 9 targets of
        // 100 steps; Square: 5000 queries), C&W's up to 90,000 (9 binary steps of 10,000), HopSkipJump's 10,000 queries:
        // smaller budgets run the same code
        Map<String, String> cheaper = Map.of("apgd-t", "{type: apgd-t, steps: 50, target_classes: 2}", "square", "{type: square, queries: 300}",
                "fab", "{type: fab, steps: 10, target_classes: 2}",
                "autoattack", "{type: autoattack, steps: 10, target_classes: 2, queries: 100}",
                "cw", "{type: cw, binary_steps: 2, steps: 50, epsilons: [0.0, 1.0, 2.5]}",
                "hsja", "{type: hsja, queries: 1000}");
        List<String> yaml = new ArrayList<>();
        Attacks.types().keySet().forEach(type -> yaml.add(cheaper.getOrDefault(type, "type: " + type)));
        yaml.addAll(List.of(
                "{type: pgd, steps: 10, restarts: 2}",
                "{type: pgd, norm: l2, steps: 10, epsilons: [0.0, 1.0, 2.5]}",
                "{type: pgd, steps: 10, loss: margin}",
                "{type: pgd, steps: 10, target: random}",
                "{type: bim, target: 3}",
                "{type: mi-fgsm, target: least-likely}",
                "{type: fgsm, target: random}",
                "{type: apgd, steps: 20, loss: dlr}",
                "{type: apgd, norm: l2, steps: 20, epsilons: [0.0, 1.0, 2.5]}",
                "{type: apgd-t, steps: 10, target_classes: 3}",
                "{type: apgd-t, norm: l2, steps: 10, target_classes: 2, epsilons: [0.0, 1.0, 2.0]}",
                "{type: fab, norm: l2, steps: 10, target_classes: 2, epsilons: [0.0, 1.0, 2.0]}",
                "{type: fab, targeted: false, steps: 10, restarts: 2}",
                "{type: fab, norm: l2, targeted: false, steps: 10, epsilons: [0.0, 1.0, 2.0]}",
                "{type: square, norm: l2, queries: 300, epsilons: [0.0, 1.0, 2.5]}",
                "{type: apgd, steps: 10, eot: 2}",
                "{type: autoattack, version: plus, steps: 10, target_classes: 2, queries: 50}",
                "{type: autoattack, version: rand, steps: 10}",
                "{type: autoattack, norm: l2, steps: 5, target_classes: 2, queries: 50, epsilons: [0.0, 1.0, 2.0]}",
                "{type: deepfool, norm: l2, epsilons: [0.0, 1.0, 2.5]}",
                "{type: fmn, norm: l2, steps: 30, epsilons: [0.0, 1.0, 2.5]}",
                "{type: fmn, norm: l1, steps: 30, epsilons: [0.0, 5.0, 15.0]}",
                "{type: cw, binary_steps: 3, steps: 30, confidence: 2, abort_early: false, epsilons: [0.0, 1.0, 2.5]}"));
        return yaml.stream();
    }

    @Override
    Classifier trainedModel() {
        return TestFixtures.trainedCnn();
    }

    @Override
    LabeledImages testImages() {
        return TestFixtures.mnistSubset().test().first(50);
    }

    /**
     * An iterative untargeted L-inf gradient attack fools every sample FGSM fools at the same
     * epsilon. A decision-based one (HopSkipJump) reads labels only and is not asked: at its budget
     * it can miss a sample one gradient step fools (it missed one of 50 at 0.1 with 10,000 queries).
     */
    @ParameterizedTest
    @MethodSource("specs")
    void anIterativeAttackIsAtLeastAsStrongAsFgsmOnEverySample(AttackSpec spec) {
        Attack attack = spec.build(SEED);
        assumeTrue(attack.iterative() && !attack.gradientFree() && attack.target() == null && attack.norm() == Norm.LINF
                && spec.epsilons() == null, "only untargeted iterative L-inf gradient attacks on the default budgets are compared with FGSM");
        Sweeps s = sweeps(spec);
        List<Result> fgsm = sweep(new Fgsm(), batch, model, s.epsilons(), Sweep.EXHAUSTIVE);
        for (int e = 0; e < s.epsilons().size(); e++) {
            for (int i = 0; i < n; i++) {
                assertFalse(fgsm.get(e).success()[i] && !s.exhaustive().get(e).success()[i],
                        attack.name() + ": sample " + i + " at eps " + s.epsilons().get(e));
            }
        }
    }

    @Test
    void fgsmUsesTheWholeBudgetAndFoolsMostSamplesAtPointThree() {
        List<Result> out = sweep(new Fgsm(), batch, model, List.of(0.0, 0.1, 0.3), Sweep.FAST);
        float[] x = batch.images().toFloatArray();
        for (Result r : out.subList(1, 3)) {
            float max = 0;
            for (int i = 0; i < r.images().length; i++) {
                max = Math.max(max, Math.abs(r.images()[i] - x[i]));
            }
            assertTrue(max > r.eps() - 1e-6, "FGSM uses the whole budget somewhere");
        }
        int clean = correct(model.predict(batch.images()));
        assertTrue(clean > 0.9 * n, "the fixture model is trained: " + clean + "/" + n);
        assertTrue(correct(out.get(2).predicted()) < 0.3 * clean, "FGSM at 0.3 fools most samples");
    }
}
