package advbench.benchmark;

import advbench.RunLog;
import advbench.attack.Fgsm;
import advbench.data.LabeledImages;
import advbench.eval.Evaluation;
import advbench.eval.Evaluator;
import advbench.eval.PlannedAttack;
import advbench.eval.Sweep;
import advbench.model.Classifier;
import advbench.model.Classifiers;
import advbench.model.Engines;
import advbench.train.EpochStats;
import advbench.train.ModelTrainer;
import advbench.train.TrainingPlan;
import java.nio.file.Path;
import java.util.List;

/**
 * The two pieces of work timed against a PyTorch user doing the same (scripts/pytorch-baseline.py
 * train and fgsm-sweep), each in a fresh process as a user runs it, so a first epoch's or first
 * batch's warm-up counts: the small CNN trained for two epochs at batch 128 with Adam (test
 * accuracy after each epoch), and fgsm.yaml's 7-epsilon FGSM sweep over the test set at batch 500,
 * evaluated as {@code bench run} evaluates it (clean pass, gradient and randomness checks, every
 * epsilon's predictions and perturbation norms, the example grid's images).
 */
public final class SameWork {
    public static final String ARCHITECTURE = "small-cnn";
    public static final int EPOCHS = 2;
    public static final int TRAINING_BATCH = 128;
    public static final int SWEEP_BATCH = 500;

    private SameWork() {}

    /** What one phase took, inside the process: the span both sides time alike. */
    public record Timing(String phase, double seconds, List<Double> detailSeconds, List<Double> accuracies) {}

    /** Trains from the seed and saves the weights into {@code saveTo}, for {@link #fgsmSweep}. */
    public static Timing train(LabeledImages train, LabeledImages test, Path saveTo, long seed, RunLog log) {
        Engines.seed(seed);
        try (Classifier model = Classifiers.create(ARCHITECTURE, train.shape())) {
            ModelTrainer trainer = ModelTrainer.standard(new TrainingPlan(EPOCHS, TRAINING_BATCH, "adam", 0.001, "constant"), log);
            long start = System.nanoTime();
            List<EpochStats> history = trainer.train(model, train, test, seed).history();
            double seconds = (System.nanoTime() - start) / 1e9;
            model.weights().save(saveTo);
            return new Timing("train", seconds, history.stream().map(EpochStats::seconds).toList(),
                    history.stream().map(EpochStats::testAccuracy).toList());
        }
    }

    /** fgsm.yaml's sweep of the model {@link #train} saved in {@code modelDir}. */
    public static Timing fgsmSweep(LabeledImages test, Path modelDir, RunLog log) {
        try (Classifier model = Classifiers.create(ARCHITECTURE, test.shape())) {
            model.weights().load(modelDir);
            model.trainability().setAll(false);
            long start = System.nanoTime();
            Evaluation e = new Evaluator(SWEEP_BATCH, Sweep.FAST, log).evaluate(model, test,
                    List.of(new PlannedAttack(new Fgsm(), Benchmark.SEVEN_EPSILONS)), 10);
            double seconds = (System.nanoTime() - start) / 1e9;
            int[] labels = e.labels();
            List<Double> accuracies = e.attacks().get(0).perEpsilon().stream().map(p -> ModelTrainer.fractionCorrect(p.predicted(), labels)).toList();
            return new Timing("fgsm-sweep", seconds, List.of(), accuracies);
        }
    }
}
