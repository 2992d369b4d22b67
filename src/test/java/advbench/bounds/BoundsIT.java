package advbench.bounds;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import advbench.RunLog;
import advbench.TestFixtures;
import advbench.attack.Adversarial;
import advbench.attack.Apgd;
import advbench.attack.Attack;
import advbench.attack.Batch;
import advbench.attack.Goal;
import advbench.attack.Loss;
import advbench.attack.Norm;
import advbench.attack.Pgd;
import advbench.attack.StepSize;
import advbench.certify.CertifiedOutcome;
import advbench.certify.Certifier;
import advbench.certify.Contradictions;
import advbench.data.Dataset;
import advbench.data.LabeledImages;
import advbench.eval.Evaluation;
import advbench.eval.Evaluator;
import advbench.eval.PlannedAttack;
import advbench.eval.Sweep;
import advbench.model.Classifier;
import advbench.model.Classifiers;
import advbench.model.Engines;
import advbench.model.ImageBatch;
import advbench.train.ModelTrainer;
import advbench.train.Objective;
import advbench.train.TrainingPlan;
import advbench.train.VerifiedSchedule;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.util.List;
import java.util.Random;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/**
 * The bounds on trained MNIST networks: thousands of points of each ball (uniform, random corners,
 * and the points PGD-40 and APGD-CE found, the ones an attack pushes to the bounds' edge) have
 * their logits within the bounds and their margins above the lower bounds; and a network trained
 * on IBP, certified and attacked at its epsilon, has no sample both certified and fooled.
 */
class BoundsIT {

    @Test
    void sampledAndAttackedPointsOfTrainedNetworksLieWithinTheBounds() {
        Classifier model = TestFixtures.trainedCnn();
        LabeledImages images = TestFixtures.mnistSubset().test().first(20);
        BoundedNetwork net = BoundedNetwork.of(model);
        Random random = new Random(8);
        int checked = 0;
        for (double eps : new double[] {0.001, 0.01, 0.05}) {
            try (NDManager m = model.manager().newSubManager()) {
                NDArray x = ImageBatch.of(m, images);
                BoundsTest.checkSampled(m, net, x, images.labels(), eps, random, 60);
                checked += 60 * images.count();
                Batch batch = new Batch(x, images.labels(), IntStream.range(0, images.count()).toArray());
                for (Attack attack : List.of(new Pgd("PGD-40", Norm.LINF, 40, StepSize.relative(2.5 / 40), 1, 3, null),
                        new Apgd("APGD-CE", Norm.LINF, 100, 1, Loss.crossEntropy(), 3, 1))) {
                    Adversarial adv = attack.attack(model, batch, Goal.untargeted(images.labels()), eps);
                    for (BoundMethod method : BoundMethod.values()) {
                        within(net, x, adv.images(), images.labels(), eps, method);
                    }
                    checked += images.count();
                }
            }
        }
        assertTrue(checked >= 3000, "points checked: " + checked);
    }

    /** Every logit of the attack's points within the bounds of the ball around x, every margin above its lower bound. */
    private static void within(BoundedNetwork net, NDArray x, NDArray points, int[] labels, double eps, BoundMethod method) {
        float[] logits = net.forward(points).toFloatArray();
        Interval z = net.logitBounds(x, eps, method);
        float[] lo = z.lower().toFloatArray();
        float[] hi = z.upper().toFloatArray();
        float[] margins = net.marginLowerBounds(x, eps, labels, method).toFloatArray();
        int classes = net.classes();
        for (int i = 0; i < labels.length; i++) {
            for (int j = 0; j < classes; j++) {
                int at = i * classes + j;
                double slack = 1e-4 * (1 + Math.abs(logits[at]));
                assertTrue(logits[at] >= lo[at] - slack && logits[at] <= hi[at] + slack, method + " eps " + eps + " sample " + i + " logit " + j);
                assertTrue(logits[i * classes + labels[i]] - logits[at] >= margins[at] - 2 * slack, method + " margin " + j + " of sample " + i);
            }
        }
    }

    @Test
    void aNetworkTrainedOnIntervalBoundsHasNoSampleBothCertifiedAndFooled() {
        Dataset d = TestFixtures.mnistSubset();
        double eps = 0.1;
        Engines.seed(13);
        try (Classifier model = Classifiers.create("ibp-small", d.shape())) {
            new ModelTrainer(new TrainingPlan(8, 50, "adam", 1e-3, "constant"), Objective.verified(BoundMethod.IBP,
                    new VerifiedSchedule(0.15, 1, 5, 0.5, 0)), null, RunLog.silent()).train(model, d.train(), d.test(), 13);
            LabeledImages test = d.test().first(500);
            List<Double> epsilons = List.of(0.05, eps);
            Evaluation ev = new Evaluator(250, Sweep.FAST, RunLog.silent()).evaluate(model, test, List.of(
                    new PlannedAttack(new Pgd("PGD-40", Norm.LINF, 40, StepSize.relative(2.5 / 40), 1, 5, null), epsilons),
                    new PlannedAttack(new Apgd("APGD-CE", Norm.LINF, 100, 1, Loss.crossEntropy(), 5, 1), epsilons)), 0);
            CertifiedOutcome certified = new Certifier(RunLog.silent()).bounds(model, test, BoundMethod.CROWN_IBP, epsilons, 100);
            assertTrue(certified.accuracy(1) > 0.3, "the IBP-trained network certifies many samples at eps 0.1: " + certified.accuracy(1));
            boolean fooledSome = ev.attacks().stream().anyMatch(a -> IntStream.range(0, test.count())
                    .anyMatch(i -> a.perEpsilon().get(1).predicted()[i] != test.labels()[i]));
            assertTrue(fooledSome, "the attacks fool some samples at eps 0.1");
            assertEquals(List.of(), Contradictions.find(ev, certified), "no sample certified and fooled");
        }
    }
}
