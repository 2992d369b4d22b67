package advbench.attack;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import advbench.TestFixtures;
import advbench.data.LabeledImages;
import advbench.eval.MetricsCalculator;
import advbench.model.Classifier;
import advbench.model.ImageBatch;
import ai.djl.ndarray.NDManager;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/**
 * The ensemble runner on a trained CNN and real MNIST images: a sample survives the ensemble
 * exactly when it survives every attack of it run alone (each sample's attack depends only on the
 * sample, its seed and its draw), each stage is credited with the samples it decided, and the
 * accuracy after the stages only falls.
 */
class AutoAttackIT {
    static final int N = 150;

    @Test
    void robustToTheEnsembleIffRobustToEachAttackAlone() {
        Classifier model = TestFixtures.trainedCnn();
        LabeledImages images = TestFixtures.mnistSubset().test().first(N);
        List<Attack> parts = List.of(new Apgd("APGD-CE", Norm.LINF, 20, 1, Loss.crossEntropy(), 5, 1), Apgd.targeted("APGD-T", Norm.LINF, 20, 1, 3, 5),
                new Square("Square", Norm.LINF, 200, 0.8, 1, 5));
        AutoAttack ensemble = new AutoAttack("AA", Norm.LINF, parts);
        assertEquals(List.of("clean", "APGD-CE", "APGD-T", "Square"), ensemble.stages());
        double eps = 0.1;
        try (NDManager scope = model.manager().newSubManager()) {
            Batch batch = new Batch(ImageBatch.of(scope, images), images.labels(), IntStream.range(0, N).toArray());
            Goal goal = new Goal(images.labels(), null, true);
            Adversarial all = ensemble.attack(model, batch, goal, eps);
            boolean[] robustToEach = Rows.not(goal.success(model.predict(batch.images())));
            int[] firstFooledBy = new int[N];
            java.util.Arrays.fill(firstFooledBy, -1);
            for (int i = 0; i < N; i++) {
                firstFooledBy[i] = robustToEach[i] ? -1 : 0;
            }
            for (int k = 0; k < parts.size(); k++) {
                Attack a = parts.get(k);
                boolean[] fooled = new boolean[N];
                for (int r = 0; r < a.restarts(); r++) {
                    Adversarial alone = a.attack(model, batch.withDraw(r), goal, eps);
                    for (int i = 0; i < N; i++) {
                        fooled[i] |= alone.success()[i];
                    }
                }
                for (int i = 0; i < N; i++) {
                    if (fooled[i] && firstFooledBy[i] < 0) {
                        firstFooledBy[i] = k + 1;
                    }
                    robustToEach[i] &= !fooled[i];
                }
            }
            assertArrayEquals(Rows.not(robustToEach), all.success(), "fooled by the ensemble = fooled by some attack alone");
            assertArrayEquals(firstFooledBy, all.stages(), "each sample credited to the first attack that fools it alone");
            double[] after = MetricsCalculator.accuracyAfterStages(all.stages(), 4);
            for (int s = 1; s < after.length; s++) {
                assertTrue(after[s] <= after[s - 1], "accuracy after each stage only falls: " + java.util.Arrays.toString(after));
            }
            assertTrue(after[1] < after[0], "APGD-CE fools some samples at 0.1: " + java.util.Arrays.toString(after));
            int robust = 0;
            for (boolean f : all.success()) {
                robust += f ? 0 : 1;
            }
            assertEquals(robust / (double) N, after[3], 1e-12, "the last stage's accuracy is the ensemble's");
            float[] x = batch.images().toFloatArray();
            float[] adv = all.images().toFloatArray();
            for (int k = 0; k < x.length; k++) {
                assertTrue(Math.abs(adv[k] - x[k]) <= eps + 1e-6 && adv[k] >= 0 && adv[k] <= 1);
            }
        }
    }

    /** The versions' attacks, in the reference's order, names and budgets. */
    @Test
    void versionsRunTheReferencesAttacksInItsOrder() {
        assertEquals(List.of("clean", "APGD-CE", "APGD-T", "FAB-T", "Square"), build("standard", "linf").stages());
        assertEquals(List.of("clean", "APGD-L2-CE", "APGD-L2-T", "FAB-L2-T", "Square-L2"), build("standard", "l2").stages());
        AutoAttack plus = build("plus", "linf");
        assertEquals(List.of("clean", "APGD-CE", "APGD-DLR", "FAB", "Square", "APGD-T", "FAB-T"), plus.stages());
        assertEquals(List.of(5, 5, 5, 1, 9, 9), plus.attacks().stream().map(Attack::restarts).toList(),
                "5 restarts of APGD-CE, APGD-DLR and FAB; one run per target class of APGD-T and FAB-T");
        assertEquals(List.of("clean", "APGD-CE", "APGD-DLR"), build("rand", "linf").stages());
        assertEquals("AutoAttack-plus", spec("{type: autoattack, version: plus}").label());
        AutoAttack fast = build("fast", "linf");
        assertEquals(List.of("clean", "APGD-CE", "APGD-T (logit 1-3)", "APGD-T (logit 4-9)", "FAB-T", "Square"), fast.stages());
        assertEquals(List.of(1, 3, 6, 9, 1), fast.attacks().stream().map(Attack::restarts).toList(), "APGD-T's 9 targets split 3 and 6");
        assertEquals(2, fast.audit().fastStages());
        assertEquals("AutoAttack-fast", spec("{type: autoattack, version: fast}").label());
        Exception e = org.junit.jupiter.api.Assertions.assertThrows(Exception.class,
                () -> advbench.experiment.ExperimentLoader.YAML.readValue("{type: autoattack, version: slow}", AttackSpec.class));
        assertTrue(e.getCause() instanceof advbench.SpecException s && s.field().equals("version")
                && s.getMessage().contains("standard, fast, plus, rand"), String.valueOf(e.getCause()));
    }

    /**
     * Expectation over transformation averages the gradients of {@code eot} passes: on a
     * deterministic model they are all the same, so the attack's result is too (L-inf uses only
     * the gradient's sign) and only the cost grows, eot backward passes per step.
     */
    @Test
    void eotOnADeterministicModelChangesOnlyTheCost() {
        Classifier model = TestFixtures.trainedCnn();
        LabeledImages images = TestFixtures.mnistSubset().test().first(40);
        try (NDManager scope = model.manager().newSubManager()) {
            Batch batch = new Batch(ImageBatch.of(scope, images), images.labels(), IntStream.range(0, 40).toArray());
            Goal goal = new Goal(images.labels(), null, false);
            long b0 = model.passes().backward();
            Adversarial once = new Apgd("APGD-CE", Norm.LINF, 10, 1, Loss.crossEntropy(), 5, 1).attack(model, batch, goal, 0.1);
            long b1 = model.passes().backward();
            Adversarial thrice = new Apgd("APGD-CE", Norm.LINF, 10, 1, Loss.crossEntropy(), 5, 3).attack(model, batch, goal, 0.1);
            long b2 = model.passes().backward();
            assertArrayEquals(once.images().toFloatArray(), thrice.images().toFloatArray());
            assertArrayEquals(once.predicted(), thrice.predicted());
            assertEquals(3 * (b1 - b0), b2 - b1, "three gradient passes per step instead of one");
        }
    }

    static AttackSpec spec(String yaml) {
        return AttackContractTest.spec(yaml);
    }

    static AutoAttack build(String version, String norm) {
        return (AutoAttack) spec("{type: autoattack, version: " + version + ", norm: " + norm + "}").build(1);
    }

    /**
     * The strength checks on the trained CNN: APGD-CE (100 steps) fools every sample
     * PGD-40 fools, at two epsilons; Square lowers the accuracy without a single backward pass.
     */
    @Test
    void apgdIsAtLeastAsStrongAsPgd40AndSquareNeedsNoGradient() {
        Classifier model = TestFixtures.trainedCnn();
        LabeledImages images = TestFixtures.mnistSubset().test().first(N);
        try (NDManager scope = model.manager().newSubManager()) {
            Batch batch = new Batch(ImageBatch.of(scope, images), images.labels(), IntStream.range(0, N).toArray());
            Goal goal = new Goal(images.labels(), null, true);
            for (double eps : new double[] {0.05, 0.1}) {
                boolean[] pgd = IterativeAttacksIT.pgd(40, 1, Pgd.Start.RANDOM, 5, null).attack(model, batch, goal, eps).success();
                boolean[] apgd = new Apgd("APGD-CE", Norm.LINF, 100, 1, Loss.crossEntropy(), 5, 1).attack(model, batch, goal, eps).success();
                int pgdFooled = 0;
                for (int i = 0; i < N; i++) {
                    assertTrue(apgd[i] || !pgd[i], "sample " + i + " fooled by PGD-40 but not by APGD-CE at " + eps);
                    pgdFooled += pgd[i] ? 1 : 0;
                }
                assertTrue(pgdFooled > 0, "PGD-40 fools some samples at " + eps);
            }
            boolean[] clean = goal.success(model.predict(batch.images()));
            long backward = model.passes().backward();
            boolean[] square = new Square("Square", Norm.LINF, 500, 0.8, 1, 5).attack(model, batch, goal, 0.2).success();
            assertEquals(backward, model.passes().backward(), "Square takes no gradient");
            int before = 0;
            int after = 0;
            for (int i = 0; i < N; i++) {
                before += clean[i] ? 0 : 1;
                after += square[i] ? 0 : 1;
            }
            assertTrue(after < before - N / 10, "Square lowers the accuracy by more than 10 points: " + before + " -> " + after);
        }
    }
}
