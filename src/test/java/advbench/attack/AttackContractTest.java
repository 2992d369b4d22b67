package advbench.attack;

import advbench.TestFixtures;
import advbench.data.LabeledImages;
import advbench.model.Classifier;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;

/**
 * The fast tier's attack contract: every registered attack, and the variants below, at cheap
 * budgets (a handful of steps, queries and targets: the same code as the defaults) on 24 images
 * of the synthetic fixture and its small CNN. Budgets are cut from the registry, so a new attack
 * is checked here as soon as it is registered.
 */
class AttackContractTest extends AttackContract {

    /** A registered type at a cheap budget: whichever of steps, queries, target classes and binary steps it has, cut. */
    static String cheap(String type) {
        Class<? extends AttackSpec> spec = Attacks.types().get(type);
        List<String> fields = Arrays.stream(spec.getRecordComponents()).map(c -> c.getName()).toList();
        List<String> parts = new ArrayList<>(List.of("type: " + type));
        if (fields.contains("steps")) {
            parts.add("steps: 5");
        }
        if (fields.contains("queries")) {
            parts.add("queries: 40");
        }
        if (fields.contains("targetClasses")) {
            parts.add("target_classes: 2");
        }
        if (fields.contains("binarySteps")) {
            parts.add("binary_steps: 2");
        }
        return "{" + String.join(", ", parts) + "}";
    }

    @Override
    Stream<String> attacks() {
        List<String> yaml = new ArrayList<>();
        Attacks.types().keySet().forEach(type -> yaml.add(cheap(type)));
        yaml.addAll(List.of(
                "{type: pgd, steps: 5, restarts: 2}",
                "{type: pgd, norm: l2, steps: 5, epsilons: [0.0, 1.0, 2.5]}",
                "{type: pgd, steps: 5, loss: margin}",
                "{type: pgd, steps: 5, target: random}",
                "{type: pgd, steps: 5, step_size: 0.02}",
                "{type: bim, steps: 5, target: 3}",
                "{type: mi-fgsm, steps: 5, target: least-likely}",
                "{type: fgsm, target: random}",
                "{type: apgd, steps: 10, loss: dlr}",
                "{type: apgd, norm: l2, steps: 10, epsilons: [0.0, 1.0, 2.5]}",
                "{type: apgd-t, steps: 5, target_classes: 3}",
                "{type: apgd-t, steps: 5, target_classes: 3, targets: malt}",
                "{type: fab, steps: 5, target_classes: 2, targets: malt}",
                "{type: autoattack, version: fast, steps: 5, queries: 40, target_classes: 3, fast_targets: 1}",
                "{type: apgd-t, norm: l2, steps: 5, target_classes: 2, epsilons: [0.0, 1.0, 2.0]}",
                "{type: fab, norm: l2, steps: 5, target_classes: 2, epsilons: [0.0, 1.0, 2.0]}",
                "{type: fab, targeted: false, steps: 5, restarts: 2}",
                "{type: fab, norm: l2, targeted: false, steps: 5, epsilons: [0.0, 1.0, 2.0]}",
                "{type: square, norm: l2, queries: 40, epsilons: [0.0, 1.0, 2.5]}",
                "{type: apgd, steps: 5, eot: 2}",
                "{type: autoattack, version: plus, steps: 5, target_classes: 2, queries: 20}",
                "{type: autoattack, version: rand, steps: 5}",
                "{type: autoattack, norm: l2, steps: 5, target_classes: 2, queries: 20, epsilons: [0.0, 1.0, 2.0]}",
                "{type: deepfool, norm: l2, steps: 10, epsilons: [0.0, 1.0, 2.5]}",
                "{type: fmn, norm: l2, steps: 10, epsilons: [0.0, 1.0, 2.5]}",
                "{type: fmn, norm: l1, steps: 10, epsilons: [0.0, 5.0, 15.0]}",
                "{type: cw, binary_steps: 2, steps: 10, confidence: 2, abort_early: false, epsilons: [0.0, 1.0, 2.5]}"));
        return yaml.stream();
    }

    @Override
    Classifier trainedModel() {
        return TestFixtures.synthetic().model();
    }

    @Override
    LabeledImages testImages() {
        return TestFixtures.synthetic().test().first(24);
    }
}
