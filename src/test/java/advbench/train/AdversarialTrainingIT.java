package advbench.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import advbench.RunLog;
import advbench.TestFixtures;
import advbench.attack.Adversarial;
import advbench.attack.Batch;
import advbench.attack.Goal;
import advbench.attack.Loss;
import advbench.attack.Norm;
import advbench.attack.Pgd;
import advbench.attack.StepSize;
import advbench.data.Dataset;
import advbench.data.LabeledImages;
import advbench.model.Classifier;
import advbench.model.Classifiers;
import advbench.model.Engines;
import advbench.model.ImageBatch;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class AdversarialTrainingIT {

    @Test
    void tradesLossOnAHandMadeCase() {
        try (NDManager m = NDManager.newBaseManager()) {
            // clean logits (0, 0): p = (1/2, 1/2); adversarial (ln 3, 0): q = (3/4, 1/4)
            NDArray clean = m.create(new float[] {0f, 0f, 0f, 0f}, new Shape(2, 2));
            NDArray adv = m.create(new float[] {(float) Math.log(3), 0f, 0f, 0f}, new Shape(2, 2));
            double kl = 0.5 * Math.log(0.5 / 0.75) + 0.5 * Math.log(0.5 / 0.25); // = ln(4/3) / 2
            float[] perSample = Loss.klPerSample(clean, adv).toFloatArray();
            assertEquals(kl, perSample[0], 1e-6);
            assertEquals(0.0, perSample[1], 1e-7, "identical outputs: no divergence");
            // CE(clean, y) = ln 2 for both samples; KL averaged over the batch, times beta = 2
            float loss = Trades.loss(clean, adv, new int[] {0, 1}, 2.0).getFloat();
            assertEquals(Math.log(2) + 2 * kl / 2, loss, 1e-6);
        }
    }

    /**
     * TRADES's adversary is the shared iterative loop ascending KL(clean || adversarial): its
     * examples stay in the ball and the box and move the model's outputs far more than its start.
     */
    @Test
    void tradesAdversaryAscendsTheKlDivergenceFromTheCleanOutputs() {
        Classifier model = TestFixtures.trainedCnn();
        LabeledImages images = TestFixtures.mnistSubset().test().first(50);
        Pgd adversary = new Pgd("trades", Norm.LINF, 5, StepSize.relative(0.25), 1, Pgd.Start.SMALL_GAUSSIAN, 3, null, Loss.crossEntropy());
        try (NDManager scope = model.manager().newSubManager()) {
            NDArray x = ImageBatch.of(scope, images);
            Batch batch = new Batch(x, images.labels(), IntStream.range(0, 50).toArray());
            NDArray adv = Objective.trades(adversary, 0.3, 6.0).prepare(model, batch, 1);
            NDArray start = adversary.start(x, batch.withDraw(1), 0.3);
            NDArray clean = model.logits(x);
            double klAdv = Loss.klPerSample(clean, model.logits(adv)).mean().getFloat();
            double klStart = Loss.klPerSample(clean, model.logits(start)).mean().getFloat();
            assertTrue(klAdv > 0.5 && klAdv > 100 * klStart, "KL at the crafted point " + klAdv + ", near the start " + klStart);
            float[] a = adv.toFloatArray();
            float[] c = x.toFloatArray();
            for (int k = 0; k < a.length; k++) {
                assertTrue(a[k] >= 0f && a[k] <= 1f && Math.abs(a[k] - c[k]) <= 0.3 + 1e-6);
            }
        }
    }

    @Test
    void oneCycleRisesToThePeakAtTwoFifthsThenFallsToZero() {
        var lr = LearningRate.of("one-cycle", 0.01f, 100);
        assertEquals(0f, lr.getNewValue(0), 1e-9f);
        assertEquals(0.005f, lr.getNewValue(20), 1e-6f);
        assertEquals(0.01f, lr.getNewValue(40), 1e-6f);
        assertEquals(0.005f, lr.getNewValue(70), 1e-6f);
        assertEquals(0f, lr.getNewValue(100), 1e-6f);
        assertEquals(0.01f, LearningRate.of("constant", 0.01f, 100).getNewValue(77), 0f);
    }

    /** FGSM-RS training on a few thousand images makes PGD at eps 0.1 far less effective than on the baseline. */
    @Test
    void fastAdversarialTrainingRaisesRobustAccuracyWellAboveTheBaseline() {
        Dataset d = TestFixtures.mnistSubset();
        LabeledImages test = d.test().first(300);
        TrainingPlan plan = new TrainingPlan(3, 64, "adam", 1e-3, "constant");
        LabeledImages[] split = Dataset.holdOut(d.train(), 300, 21);
        Engines.seed(21);
        try (Classifier baseline = Classifiers.create("small-cnn", d.shape()); Classifier defended = Classifiers.create("small-cnn", d.shape())) {
            ModelTrainer.standard(plan, RunLog.silent()).train(baseline, split[0], test, 21);
            Pgd fgsmRs = new Pgd("fgsm-rs", Norm.LINF, 1, StepSize.relative(1.25), 1, 21, null);
            OverfitMonitor monitor = new OverfitMonitor(split[1], 0.2, 21, RunLog.silent());
            ModelTrainer.Result r = new ModelTrainer(new TrainingPlan(5, 64, "adam", 5e-3, "one-cycle"),
                    Objective.adversarial(fgsmRs, 0.2), monitor, RunLog.silent()).train(defended, split[0], test, 21);
            assertEquals(5, r.history().size());
            assertTrue(r.history().stream().allMatch(e -> e.holdoutRobustAccuracy() != null));
            assertTrue(r.bestEpoch() >= 1 && r.bestEpoch() <= 5);
            assertTrue(!defended.trainability().any(), "a trained model comes back frozen");
            double base = pgdAccuracy(baseline, test, 0.1);
            double def = pgdAccuracy(defended, test, 0.1);
            int[] predicted = defended.predictAll(test, 300);
            double clean = (double) IntStream.range(0, test.count()).filter(i -> predicted[i] == test.labels()[i]).count() / test.count();
            System.out.printf("adversarial training test: baseline PGD-20@0.1 %.3f, defended %.3f, defended clean %.3f, history %s%n",
                    base, def, clean, r.history());
            assertTrue(clean > 0.85, "the defended model still classifies: " + clean);
            assertTrue(def > base + 0.25, "PGD-20 accuracy at eps 0.1: defended " + def + " vs baseline " + base);
        }
    }

    static double pgdAccuracy(Classifier model, LabeledImages test, double eps) {
        try (NDManager scope = model.manager().newSubManager()) {
            Batch batch = new Batch(ImageBatch.of(scope, test), test.labels(), IntStream.range(0, test.count()).toArray());
            Adversarial adv = new Pgd("PGD-20", Norm.LINF, 20, StepSize.relative(2.5 / 20), 1, 1, null)
                    .attack(model, batch, Goal.untargeted(test.labels()), eps);
            int robust = 0;
            for (int i = 0; i < test.count(); i++) {
                robust += adv.predicted()[i] == test.labels()[i] ? 1 : 0;
            }
            return (double) robust / test.count();
        }
    }
}
