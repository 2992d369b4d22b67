package advbench.train;

import advbench.Progress;
import advbench.RunLog;
import advbench.data.LabeledImages;
import advbench.experiment.ModelSpec;
import advbench.model.Classifier;
import advbench.model.CrossEntropy;
import advbench.model.ImageBatch;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.training.DefaultTrainingConfig;
import ai.djl.training.GradientCollector;
import ai.djl.training.Trainer;
import ai.djl.training.loss.Loss;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.Tracker;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Standard (non-adversarial) training: mini-batch cross-entropy with Adam or SGD, the training
 * set reshuffled every epoch from a seeded {@link Random}, one log line per epoch.
 */
public final class ModelTrainer {
    private final ModelSpec spec;
    private final RunLog log;

    public ModelTrainer(ModelSpec spec, RunLog log) {
        this.spec = spec;
        this.log = log;
    }

    public List<EpochStats> train(Classifier classifier, LabeledImages train, LabeledImages test, long seed) {
        classifier.setTrainable(true);
        List<EpochStats> history = new ArrayList<>();
        Random shuffle = new Random(seed);
        DefaultTrainingConfig config = new DefaultTrainingConfig(Loss.softmaxCrossEntropyLoss())
                .optOptimizer(optimizer());
        try (Trainer trainer = classifier.djlModel().newTrainer(config)) {
            for (int epoch = 1; epoch <= spec.epochs(); epoch++) {
                history.add(runEpoch(epoch, trainer, classifier, train, test, shuffle));
            }
        }
        classifier.setTrainable(false);
        return history;
    }

    private EpochStats runEpoch(int epoch, Trainer trainer, Classifier classifier, LabeledImages train,
                                LabeledImages test, Random shuffle) {
        long start = System.nanoTime();
        int[] order = permutation(train.count(), shuffle);
        double lossSum = 0;
        long correct = 0;
        int batchSize = spec.batchSize();
        try (Progress bar = log.progress("epoch " + epoch + "/" + spec.epochs(), train.count(), "img")) {
            for (int from = 0; from < order.length; from += batchSize) {
                int to = Math.min(order.length, from + batchSize);
                LabeledImages batch = train.select(java.util.Arrays.copyOfRange(order, from, to));
                try (NDManager scope = classifier.manager().newSubManager()) {
                    NDArray x = ImageBatch.of(scope, batch);
                    try (GradientCollector collector = trainer.newGradientCollector()) {
                        NDArray logits = trainer.forward(new ai.djl.ndarray.NDList(x)).singletonOrThrow();
                        NDArray loss = CrossEntropy.mean(logits, batch.labels());
                        collector.backward(loss);
                        lossSum += loss.getFloat() * batch.count();
                        correct += countCorrect(logits, batch.labels());
                    }
                    trainer.step();
                }
                bar.advance(to - from);
            }
        }
        classifier.setTrainable(false);
        int[] predicted = classifier.predictAll(test, 1000);
        classifier.setTrainable(true);
        double testAccuracy = fractionCorrect(predicted, test.labels());
        EpochStats stats = new EpochStats(epoch, lossSum / train.count(), (double) correct / train.count(),
                testAccuracy, (System.nanoTime() - start) / 1e9);
        log.info(String.format("epoch %d/%d: loss %.4f, train accuracy %.2f%%, test accuracy %.2f%% (%.1f s)",
                epoch, spec.epochs(), stats.meanLoss(), 100 * stats.trainAccuracy(), 100 * stats.testAccuracy(), stats.seconds()));
        return stats;
    }

    private Optimizer optimizer() {
        Tracker lr = Tracker.fixed(spec.learningRate().floatValue());
        return switch (spec.optimizer()) {
            case "sgd" -> Optimizer.sgd().setLearningRateTracker(lr).optMomentum(0.9f).build();
            default -> Optimizer.adam().optLearningRateTracker(lr).build();
        };
    }

    private static long countCorrect(NDArray logits, int[] labels) {
        int[] predicted = logits.argMax(1).toType(DataType.INT32, false).toIntArray();
        long c = 0;
        for (int i = 0; i < labels.length; i++) {
            c += predicted[i] == labels[i] ? 1 : 0;
        }
        return c;
    }

    static double fractionCorrect(int[] predicted, int[] labels) {
        long c = 0;
        for (int i = 0; i < labels.length; i++) {
            c += predicted[i] == labels[i] ? 1 : 0;
        }
        return (double) c / labels.length;
    }

    private static int[] permutation(int n, Random random) {
        int[] p = new int[n];
        for (int i = 0; i < n; i++) {
            p[i] = i;
        }
        for (int i = n - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            int t = p[i];
            p[i] = p[j];
            p[j] = t;
        }
        return p;
    }
}
