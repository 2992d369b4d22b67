package advbench.experiment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import advbench.UserError;
import advbench.attack.AttackSpec;
import advbench.attack.Bim;
import advbench.attack.Fgsm;
import advbench.attack.Pgd;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class ExperimentLoaderTest {
    static final String VALID = """
            name: t
            seed: 3
            dataset:
              name: mnist
              train_subset: 100
            model:
              architecture: mlp
              epochs: 1
            attacks:
              - type: fgsm
            epsilons: [0.3, 0.0, 0.1]
            """;

    @Test
    void validFileGetsDefaultsAndSortedEpsilons() {
        ExperimentSpec s = ExperimentLoader.parse("x.yaml", VALID);
        assertEquals("t", s.name());
        assertEquals(100, s.dataset().trainSubset());
        assertEquals(0, s.dataset().testSubset());
        assertEquals(64, s.model().batchSize());
        assertEquals("adam", s.model().optimizer());
        assertEquals(List.of(0.0, 0.1, 0.3), s.epsilons());
        assertInstanceOf(Fgsm.Spec.class, s.attacks().get(0));
        assertEquals("FGSM", s.attacks().get(0).label());
        assertEquals(10, s.outputs().gridSamples());
    }

    @Test
    void resolvedConfigReadsBackToTheSameSpec() {
        ExperimentSpec s = ExperimentLoader.parse("x.yaml", VALID);
        String resolved = ExperimentLoader.resolvedConfig(s);
        assertTrue(resolved.contains("type: fgsm"), resolved);
        assertEquals(s, ExperimentLoader.parse("config.yaml", resolved));
    }

    @Test
    void shippedExperimentFilesLoad() throws java.io.IOException {
        ExperimentSpec s = ExperimentLoader.load(Path.of("experiments/fgsm.yaml"));
        assertEquals("fgsm-mnist", s.name());
        assertEquals(7, s.epsilons().size());
        try (var files = java.nio.file.Files.list(Path.of("experiments"))) {
            for (Path f : files.filter(p -> p.toString().endsWith(".yaml")).toList()) {
                if (ExperimentLoader.isSweepFile(java.nio.file.Files.readString(f))) {
                    // a sweep file: every variant loads, and bench run says what to run it with
                    assertTrue(advbench.sweep.SweepPlan.of(f, Path.of("results")).variants().size() > 1, f.toString());
                    UserError e = assertThrows(UserError.class, () -> ExperimentLoader.load(f));
                    assertTrue(e.getMessage().contains("bench sweep"), e.getMessage());
                    continue;
                }
                ExperimentSpec e = ExperimentLoader.load(f);
                assertEquals(e, ExperimentLoader.parse("resolved", ExperimentLoader.resolvedConfig(e)), f.toString());
                // and its attacks build, with the longer runs the convergence indicator compares them with
                assertEquals(e.attacks().size(), ExperimentRunner.plannedAttacks(e).size(), f.toString());
            }
        }
    }

    /** An absolute step size is kept by the longer run (it once unboxed a missing relative step and crashed every run). */
    @Test
    void twiceTheStepsKeepsAnAbsoluteStepSize() {
        ExperimentSpec s = ExperimentLoader.parse("x.yaml", VALID.replace("  - type: fgsm", """
                  - type: pgd
                    step_size: 0.01
                  - type: bim
                    step_size: 0.02
                  - type: mi-fgsm
                    step_size: 0.03"""));
        List<Double> kept = s.attacks().stream().map(AttackSpec::twiceTheSteps).map(a -> a instanceof Pgd.Spec p ? p.stepSize()
                : a instanceof Bim.Spec b ? b.stepSize() : ((advbench.attack.MiFgsm.Spec) a).stepSize()).toList();
        assertEquals(List.of(0.01, 0.02, 0.03), kept);
        assertEquals(3, ExperimentRunner.plannedAttacks(s).size());
    }

    @Test
    void iterativeAttacksGetTheirDefaultsAndLabels() {
        ExperimentSpec s = ExperimentLoader.parse("x.yaml", VALID.replace("  - type: fgsm", """
                  - type: pgd
                  - type: pgd
                    norm: l2
                    restarts: 5
                    epsilons: [2.0, 0.5]
                  - type: bim
                    step_size: 0.01
                  - type: mi-fgsm
                    target: 3"""));
        assertEquals(List.of("PGD-40", "PGD-L2-40x5", "BIM-10", "MI-FGSM-10 -> 3"), s.attacks().stream().map(AttackSpec::label).toList());
        Pgd.Spec pgd = (Pgd.Spec) s.attacks().get(0);
        assertEquals(40, pgd.steps());
        assertEquals(true, pgd.randomStart());
        assertEquals("linf", pgd.norm());
        assertEquals(List.of(0.0, 0.1, 0.3), s.epsilonsFor(pgd));
        assertEquals(List.of(0.5, 2.0), s.epsilonsFor(s.attacks().get(1)));
        assertEquals(0.01, s.attacks().get(2).build(1) instanceof advbench.attack.Bim ? ((Bim.Spec) s.attacks().get(2)).stepSize() : 0);
        assertEquals("3", s.attacks().get(3).build(1).target().describe());
    }

    static Stream<Arguments> badFiles() {
        // {text to replace in VALID, replacement, expected start of the one-line error}
        return Stream.of(
            Arguments.of("seed: 3", "seed: three", "x.yaml:2: seed: expected a whole number"),
            Arguments.of("  train_subset: 100", "  train_subset: 100\n  colour: red", "x.yaml:6: dataset.colour: unknown field 'colour'; expected one of class_names, dir, files, images, name, test_subset, train_subset"),
            Arguments.of("epsilons: [0.3, 0.0, 0.1]", "epsilons: [0.3, 1.5]", "x.yaml:11: epsilons[1]: must be a number in [0, 1]"),
            Arguments.of("epsilons: [0.3, 0.0, 0.1]", "epsilons: []", "x.yaml:11: epsilons: must list at least one epsilon"),
            Arguments.of("epsilons: [0.3, 0.0, 0.1]", "epsilons:\n  - 0.1\n  - 0.1", "x.yaml:13: epsilons[1]: 0.1 is listed twice"),
            Arguments.of("  epochs: 1", "  epochs: 0", "x.yaml:8: model.epochs: must be at least 1, got 0"),
            Arguments.of("  epochs: 1", "  epochs: 1.5", "x.yaml:8: model.epochs: expected a whole number"),
            Arguments.of("  architecture: mlp", "  architecture: resnet", "x.yaml:7: model.architecture: unknown architecture 'resnet'"),
            Arguments.of("  - type: fgsm", "  - type: boundary", "x.yaml:10: attacks[0]: unknown attack type 'boundary'; expected one of fgsm, "),
            Arguments.of("  - type: fgsm", "  - type: fgsm\n    steps: 3", "x.yaml:11: attacks[0].steps: unknown field 'steps'"),
            Arguments.of("seed: 3\n", "", "x.yaml:1: seed: missing required field"),
            Arguments.of("  name: mnist", "  name: cifar", "x.yaml:4: dataset.name: unknown data set 'cifar'"),
            Arguments.of("name: t", "name: a/b", "x.yaml:1: name: use letters, digits"),
            Arguments.of("seed: 3", "seed: 3\nseed: 4", "x.yaml:3: not valid YAML: Duplicate field 'seed'"),
            Arguments.of("attacks:\n  - type: fgsm", "attacks: fgsm", "x.yaml:9: attacks: expected a list"),
            Arguments.of("epsilons: [0.3, 0.0, 0.1]", "epsilons: [0.3, 0.0", "x.yaml:11: not valid YAML"),
            Arguments.of("  - type: fgsm", "  - type: pgd\n    steps: 0", "x.yaml:11: attacks[0].steps: pgd steps must be at least 1 and at most 100000, got 0"),
            Arguments.of("  - type: fgsm", "  - type: bim\n    step_size: -0.1", "x.yaml:11: attacks[0].step_size: bim step_size (alpha) must be positive"),
            Arguments.of("  - type: fgsm", "  - type: pgd\n    step_size: 0.1\n    rel_step_size: 0.1", "x.yaml:11: attacks[0].step_size: pgd: give step_size or rel_step_size, not both"),
            Arguments.of("  - type: fgsm", "  - type: pgd\n    norm: l7", "x.yaml:11: attacks[0].norm: pgd: unknown norm 'l7'; expected linf or l2"),
            Arguments.of("  - type: fgsm", "  - type: pgd\n    norm: l1", "x.yaml:11: attacks[0].norm: pgd: unknown norm 'l1'; expected linf or l2 (l1 is for fmn only)"),
            Arguments.of("  - type: fgsm", "  - type: fmn\n    norm: l1", "x.yaml:10: attacks[0].epsilons: an L1 attack needs its own epsilons"),
            Arguments.of("  - type: fgsm", "  - type: fmn\n    gamma: 0", "x.yaml:11: attacks[0].gamma: fmn gamma must be above 0.001"),
            Arguments.of("  - type: fgsm", "  - type: fmn\n    step_size: -1", "x.yaml:11: attacks[0].step_size: fmn step_size must be above 0"),
            Arguments.of("  - type: fgsm", "  - type: cw\n    norm: linf", "x.yaml:11: attacks[0].norm: cw is an L2 attack"),
            Arguments.of("  - type: fgsm", "  - type: cw\n    binary_steps: 0", "x.yaml:11: attacks[0].binary_steps: cw binary_steps must be 1 to 100"),
            Arguments.of("  - type: fgsm", "  - type: autoattack\n    version: slow", "x.yaml:11: attacks[0].version: autoattack: unknown version 'slow'; expected standard, fast, plus, rand"),
            Arguments.of("  - type: fgsm", "  - type: autoattack\n    audit_samples: 50", "x.yaml:11: attacks[0].audit_samples: autoattack: audit_samples is an option of version: fast"),
            Arguments.of("  - type: fgsm", "  - type: autoattack\n    version: fast\n    fast_targets: 9", "x.yaml:12: attacks[0].fast_targets: autoattack fast_targets (APGD-T's targets on every sample) must be at least 1 and less than target_classes (9), got 9"),
            Arguments.of("  - type: fgsm", "  - type: autoattack\n    version: fast\n    audit_samples: 0", "x.yaml:12: attacks[0].audit_samples: autoattack audit_samples must be at least 1"),
            Arguments.of("  - type: fgsm", "  - type: autoattack\n    version: fast\n    audit_tolerance: -1", "x.yaml:12: attacks[0].audit_tolerance: autoattack audit_tolerance"),
            Arguments.of("  - type: fgsm", "  - type: autoattack\n    version: fast\n    audit_nearest: -1", "x.yaml:12: attacks[0].audit_nearest: autoattack audit_nearest"),
            Arguments.of("  - type: fgsm", "  - type: autoattack\n    audit_nearest: 5", "x.yaml:11: attacks[0].audit_nearest: autoattack: audit_nearest is an option of version: fast"),
            Arguments.of("  - type: fgsm", "  - type: autoattack\n    version: fast\n    targets: nearest", "x.yaml:12: attacks[0].targets: autoattack: unknown targets 'nearest'; expected logit"),
            Arguments.of("  - type: fgsm", "  - type: apgd-t\n    targets: malt2", "x.yaml:11: attacks[0].targets: apgd-t: unknown targets 'malt2'"),
            Arguments.of("  - type: fgsm", "  - type: fab\n    targeted: false\n    targets: malt", "x.yaml:12: attacks[0].targets: fab: targets (the order of target classes) is for the targeted version"),
            Arguments.of("  - type: fgsm", "  - type: cw\n    abort_early: maybe", "x.yaml:11: attacks[0].abort_early: expected a Boolean"),
            Arguments.of("  - type: fgsm", "  - type: cw\n    confidence: -1", "x.yaml:11: attacks[0].confidence: cw confidence (kappa) must be at least 0"),
            Arguments.of("  - type: fgsm", "  - type: deepfool\n    candidates: 1", "x.yaml:11: attacks[0].candidates: deepfool candidates must be at least 2"),
            Arguments.of("  - type: fgsm", "  - type: mi-fgsm\n    target: sideways", "x.yaml:11: attacks[0].target: mi-fgsm target must be least-likely, random or a class number"),
            Arguments.of("  - type: fgsm", "  - type: pgd\n    target: -1", "x.yaml:11: attacks[0].target: pgd target class must be 0 or more, got -1"),
            Arguments.of("  - type: fgsm", "  - type: pgd\n    loss: hinge", "x.yaml:11: attacks[0].loss: pgd: unknown loss 'hinge'"),
            Arguments.of("  - type: fgsm", "  - type: pgd\n    norm: l2\n    epsilons: [1e999]", "x.yaml:12: attacks[0].epsilons[0]: must be a finite number, got 1e999"),
            Arguments.of("  name: mnist", "  name: mnist\n  class_names: [a, b]", "x.yaml:5: dataset.class_names: mnist names its own classes"),
            Arguments.of("  name: mnist", "  images: pics\n  class_names: [a, b]", "x.yaml:5: dataset.class_names: an image folder names its classes"),
            Arguments.of("  name: mnist", "  images: pics\n  dir: data", "x.yaml:5: dataset.dir: give either 'dir' (with a known name) or 'images'"),
            Arguments.of("  name: mnist", "  images: pics\n  files: {train_images: a, train_labels: b, test_images: c, test_labels: d}",
                    "x.yaml:4: dataset.images: give either 'files'"),
            Arguments.of("seed: 3", "seed: 3\noutputs:\n  formats: [png, gif]", "x.yaml:4: outputs.formats[1]: unknown format 'gif'"),
            Arguments.of("  - type: fgsm", "  - type: pgd\n    restarts: 0", "x.yaml:11: attacks[0].restarts: pgd restarts must be at least 1"),
            Arguments.of("  - type: fgsm", "  - type: pgd\n    epsilons: [-0.1]", "x.yaml:11: attacks[0].epsilons[0]: must be a number in [0, 1]"),
            Arguments.of("  - type: fgsm", "  - type: pgd\n    norm: l2", "x.yaml:10: attacks[0].epsilons: an L2 attack needs its own epsilons"),
            Arguments.of("  - type: fgsm", "  - type: fgsm\n  - type: fgsm", "x.yaml:11: attacks[1]: two attacks are labelled 'FGSM'"),
            Arguments.of("seed: 3", "seed: 3\nevaluation:\n  batch_size: 0", "x.yaml:4: evaluation.batch_size: must be at least 1, got 0"),
            Arguments.of("seed: 3", "seed: 3\nevaluation:\n  indicator_samples: -1", "x.yaml:4: evaluation.indicator_samples: must be at least 0, got -1"),
            Arguments.of("seed: 3", "seed: 3\nevaluation:\n  skip_decided: maybe", "x.yaml:4: evaluation.skip_decided: expected a Boolean"),
            Arguments.of("seed: 3", "seed: 3\noutputs:\n  eval_batch_size: 100", "x.yaml:4: outputs.eval_batch_size: 'eval_batch_size' has moved to evaluation.batch_size"),
            Arguments.of("seed: 3", "seed: 3\ncertify:\n  smoothing:\n    sigma: [0.25, 0]", "x.yaml:5: certify.smoothing.sigma[1]: the noise's standard deviation must be positive"),
            Arguments.of("seed: 3", "seed: 3\ncertify:\n  smoothing:\n    sigma: [0.25]\n    alpha: 1.5", "x.yaml:6: certify.smoothing.alpha: the failure probability must be in (0, 1), got 1.5"),
            Arguments.of("seed: 3", "seed: 3\ncertify:\n  smoothing:\n    sigma: [0.25]\n    n0: 200\n    n: 100", "x.yaml:6: certify.smoothing.n0: the selection draws (n0 = 200) must not exceed the estimation draws (n = 100)"),
            Arguments.of("seed: 3", "seed: 3\ncertify:\n  bounds: deepz", "x.yaml:4: certify.bounds: unknown bound method 'deepz'; expected ibp or crown-ibp"),
            Arguments.of("seed: 3", "seed: 3\ncertify:\n  bounds: ibp\n  norm: l2", "x.yaml:5: certify.norm: IBP and CROWN-IBP bound L-inf balls here, not l2"),
            Arguments.of("seed: 3", "seed: 3\ncertify: {}", "x.yaml:3: certify.bounds: give bounds (ibp or crown-ibp), smoothing, or both"),
            Arguments.of("  architecture: mlp\n  epochs: 1", "  file: m.pt\ncertify:\n  bounds: ibp", "x.yaml:9: certify.bounds: ibp needs a network built here"),
            Arguments.of("  architecture: mlp\n  epochs: 1", "  file: m.pt\ndefence:\n  method: crown-ibp\n  epsilon: 0.3", "x.yaml:9: defence.method: crown-ibp trains on certified bounds of a network built here"),
            Arguments.of("seed: 3", "seed: 3\ndefence:\n  method: gaussian\n  epsilon: 0.3", "x.yaml:5: defence.epsilon: gaussian trains on Gaussian noise of sigma"),
            Arguments.of("seed: 3", "seed: 3\ndefence:\n  method: gaussian", "x.yaml:3: defence.sigma: missing required field"),
            Arguments.of("seed: 3", "seed: 3\ndefence:\n  method: ibp\n  epsilon: 0.3\n  steps: 7", "x.yaml:6: defence.steps: is not a setting of ibp"),
            Arguments.of("seed: 3", "seed: 3\ndefence:\n  method: ibp\n  epsilon: 0.3\n  final_beta: 0.5", "x.yaml:6: defence.final_beta: only crown-ibp mixes"),
            Arguments.of("seed: 3", "seed: 3\ndefence:\n  method: crown-ibp\n  epsilon: 0.3\n  epochs: 10\n  ramp: 20", "x.yaml:7: defence.ramp: must be at most 9, got 20"),
            Arguments.of("seed: 3", "seed: 3\ndefence:\n  method: pgd\n  epsilon: 0.3\n  sigma: 0.5", "x.yaml:6: defence.sigma: is not a setting of pgd"),
            // adaptive attacks (#31): BPDA, transfer sources, HopSkipJump, input transformations
            Arguments.of("  - type: fgsm", "  - type: pgd\n    bpda: identity", "x.yaml:11: attacks[0].bpda: the model has no input transformation"),
            Arguments.of("  - type: fgsm", "  - type: pgd\n    bpda: straight", "x.yaml:11: attacks[0].bpda: unknown bpda 'straight'; expected identity or approximation"),
            Arguments.of("  - type: fgsm", "  - type: square\n    bpda: identity", "x.yaml:11: attacks[0].bpda: square uses no gradient"),
            Arguments.of("  - type: fgsm", "  - type: hsja\n    bpda: identity", "x.yaml:11: attacks[0].bpda: hsja uses no gradient"),
            Arguments.of("  - type: fgsm", "  - type: autoattack\n    bpda: identity", "x.yaml:11: attacks[0].bpda: is not an option of autoattack"),
            Arguments.of("  - type: fgsm", "  - type: fmn\n    source: {architecture: mlp}", "x.yaml:11: attacks[0].source: is not an option of fmn"),
            Arguments.of("  - type: fgsm", "  - type: pgd\n    bpda: identity\n    source: {architecture: mlp}", "x.yaml:11: attacks[0].bpda: give bpda or source, not both"),
            Arguments.of("  - type: fgsm", "  - type: pgd\n    source: {architecture: vgg}", "x.yaml:11: attacks[0].source.architecture: unknown architecture 'vgg'"),
            Arguments.of("  - type: fgsm", "  - type: hsja\n    target: 3", "x.yaml:11: attacks[0].target: hsja runs untargeted only"),
            Arguments.of("  - type: fgsm", "  - type: hsja\n    queries: 0", "x.yaml:11: attacks[0].queries: hsja queries must be at least 1"),
            Arguments.of("  epochs: 1", "  epochs: 1\n  transform: {type: blur}", "x.yaml:9: model.transform.type: unknown transform 'blur'; expected one of bit-depth, threshold, median, jpeg"),
            Arguments.of("  epochs: 1", "  epochs: 1\n  transform: {type: bit-depth, bits: 0}", "x.yaml:9: model.transform.bits: must be at least 1"),
            Arguments.of("  epochs: 1", "  epochs: 1\n  transform: {type: bit-depth, bits: 3, quality: 50}", "x.yaml:9: model.transform.quality: is not a setting of bit-depth"),
            Arguments.of("  epochs: 1", "  epochs: 1\n  transform: {type: jpeg}", "x.yaml:9: model.transform.quality: missing required field"),
            Arguments.of("  epochs: 1", "  epochs: 1\n  transform: {type: threshold, level: 1.0}", "x.yaml:9: model.transform.level: must be in (0, 1)"),
            Arguments.of("  epochs: 1", "  epochs: 1\n  transform: {type: median, size: 3}\ncertify:\n  bounds: ibp", "x.yaml:11: certify.bounds: the bounds do not see through model.transform (median)"));
    }

    /** Each bad file must give one line naming the file, the line and the field. */
    @ParameterizedTest
    @MethodSource("badFiles")
    void badFilesGiveOneLineWithFileLineAndField(String from, String to, String expectedStart) {
        String text = VALID.replace(from.replace("\\n", "\n"), to.replace("\\n", "\n"));
        UserError e = assertThrows(UserError.class, () -> ExperimentLoader.parse("x.yaml", text));
        assertTrue(e.getMessage().startsWith(expectedStart), "got: " + e.getMessage());
        assertTrue(!e.getMessage().contains("\n"), "one line: " + e.getMessage());
    }

    @Test
    void emptyAndMissingFiles() {
        assertTrue(assertThrows(UserError.class, () -> ExperimentLoader.parse("e.yaml", "")).getMessage()
                .startsWith("e.yaml:1: the file is empty"));
        assertTrue(assertThrows(UserError.class, () -> ExperimentLoader.load(Path.of("no/such.yaml"))).getMessage()
                .equals("no/such.yaml: no such experiment file"));
    }
}
