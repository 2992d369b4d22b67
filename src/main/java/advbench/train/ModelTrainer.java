package advbench.train;

import advbench.Progress;
import advbench.RunFailure;
import advbench.RunLog;
import advbench.attack.Batch;
import advbench.data.LabeledImages;
import advbench.model.Classifier;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.training.DefaultTrainingConfig;
import ai.djl.training.GradientCollector;
import ai.djl.training.Trainer;
import ai.djl.training.loss.Loss;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.Tracker;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

/**
 * Mini-batch training with Adam or SGD: the training set reshuffled every epoch from a seeded
 * {@link Random}, one log line per epoch. The {@link Objective} decides what a step minimises
 * (clean cross-entropy, or a loss on adversarial examples); an optional {@link OverfitMonitor}
 * checks robustness on held-out images after every epoch and keeps the best weights.
 */
public final class ModelTrainer {
    private final TrainingPlan plan;
    private final Objective objective;
    private final OverfitMonitor monitor;
    private final RunLog log;
    private double bestTestAccuracy;

    public ModelTrainer(TrainingPlan plan, Objective objective, OverfitMonitor monitor, RunLog log) {
        this.plan = plan;
        this.objective = objective;
        this.monitor = monitor;
        this.log = log;
    }

    /** Standard training: cross-entropy on clean batches, no monitor. */
    public static ModelTrainer standard(TrainingPlan plan, RunLog log) {
        return new ModelTrainer(plan, Objective.standard(), null, log);
    }

    /** @param bestEpoch the epoch whose weights were kept (the last one unless a monitor chose) */
    public record Result(List<EpochStats> history, int bestEpoch, List<String> overfitting) {}

    public Result train(Classifier classifier, LabeledImages train, LabeledImages test, long seed) {
        List<EpochStats> history = new ArrayList<>();
        bestTestAccuracy = 0;
        Random shuffle = new Random(seed);
        int updatesPerEpoch = (train.count() + plan.batchSize() - 1) / plan.batchSize();
        DefaultTrainingConfig config = new DefaultTrainingConfig(Loss.softmaxCrossEntropyLoss())
                .optOptimizer(optimizer(LearningRate.of(plan.schedule(), (float) plan.learningRate(), plan.epochs() * updatesPerEpoch)));
        try (Trainer trainer = classifier.weights().newTrainer(config)) {
            makeTrainable(classifier);
            if (plan.lastLayerOnly()) {
                long[] counts = classifier.trainability().counts();
                log.info(String.format("training only the last layer: %s (%,d of %,d parameter values)",
                        String.join(", ", classifier.trainability().setOnlyLastLayer()), counts[1], counts[0]));
            }
            if (!plan.augmentation().isNone()) {
                log.info("augmenting the training images: " + describe(plan.augmentation()));
            }
            try (TrainingImages images = TrainingImages.of(classifier.manager(), train, plan.augmentation())) {
                for (int epoch = 1; epoch <= plan.epochs(); epoch++) {
                    history.add(runEpoch(epoch, trainer, classifier, images, test, shuffle, seed));
                }
            }
        }
        int bestEpoch = monitor == null ? plan.epochs() : monitor.restoreBest(classifier, plan.epochs());
        classifier.trainability().setAll(false);
        return new Result(List.copyOf(history), bestEpoch, monitor == null ? List.of() : monitor.events());
    }

    /** All parameters, or only the last layer's. */
    private void makeTrainable(Classifier classifier) {
        if (plan.lastLayerOnly()) {
            classifier.trainability().setOnlyLastLayer();
        } else {
            classifier.trainability().setAll(true);
        }
    }

    static String describe(Augmentation a) {
        List<String> parts = new ArrayList<>();
        if (a.shift() > 0) {
            parts.add("shifts of up to " + a.shift() + " pixels");
        }
        if (a.rotate() > 0) {
            parts.add("rotations of up to " + a.rotate() + " degrees");
        }
        if (a.zoom() > 0) {
            parts.add("zoom by up to " + a.zoom());
        }
        if (a.flip()) {
            parts.add("horizontal flips");
        }
        return String.join(", ", parts);
    }

    private EpochStats runEpoch(int epoch, Trainer trainer, Classifier classifier, TrainingImages train,
                                LabeledImages test, Random shuffle, long seed) {
        long start = System.nanoTime();
        int[] order = permutation(train.count(), shuffle);
        int batches = (order.length + plan.batchSize() - 1) / plan.batchSize();
        objective.beginEpoch(epoch, batches);
        double lossSum;
        long correct;
        try (Progress bar = log.progress("epoch " + epoch + "/" + plan.epochs(), train.count(), "img");
             EpochTally tally = new EpochTally(classifier.manager(), (batch, loss) -> diverged(epoch, batch, batches, loss))) {
            for (int from = 0; from < order.length; from += plan.batchSize()) {
                int[] ids = Arrays.copyOfRange(order, from, Math.min(order.length, from + plan.batchSize()));
                try (NDManager scope = classifier.manager().newSubManager()) {
                    Batch b = train.batch(scope, ids, seed, epoch);
                    NDArray input = objective.prepare(classifier, b, epoch);
                    try (GradientCollector collector = trainer.newGradientCollector()) {
                        NDArray[] lossAndLogits = objective.lossAndLogits(trainer, b, input);
                        collector.backward(lossAndLogits[0]);
                        tally.add(lossAndLogits[0], lossAndLogits[1], b.labels());
                    }
                    trainer.step();
                }
                bar.advance(ids.length);
            }
            tally.readBack();
            lossSum = tally.lossSum();
            correct = tally.correct();
        }
        classifier.trainability().setAll(false);
        double testAccuracy = fractionCorrect(classifier.predictAll(test, 1000), test.labels());
        Double robust = monitor == null ? null : monitor.afterEpoch(classifier, epoch);
        makeTrainable(classifier);
        EpochStats stats = new EpochStats(epoch, lossSum / train.count(), (double) correct / train.count(),
                testAccuracy, robust, (System.nanoTime() - start) / 1e9);
        bestTestAccuracy = Math.max(bestTestAccuracy, testAccuracy);
        double chance = 1.0 / test.shape().classes();
        if (testAccuracy < 1.5 * chance && bestTestAccuracy > 3 * chance) {
            // a loss on certified bounds has a trivial minimum, a network with one output for every input
            log.info(String.format(java.util.Locale.ROOT, "warning: test accuracy fell to %.2f%% (chance is %.2f%%, an earlier epoch had"
                    + " %.2f%%): the network has collapsed; with ibp or crown-ibp, lengthen the ramp or lower epsilon or the learning rate",
                    100 * testAccuracy, 100 * chance, 100 * bestTestAccuracy));
        }
        log.info(String.format("epoch %d/%d: loss %.4f, train accuracy %.2f%%, test accuracy %.2f%%%s (%.1f s)",
                epoch, plan.epochs(), stats.meanLoss(), 100 * stats.trainAccuracy(), 100 * stats.testAccuracy(),
                robust == null ? "" : String.format(", held-out PGD-10 accuracy %.2f%%", 100 * robust), stats.seconds()));
        return stats;
    }

    /**
     * A batch loss above this has diverged: cross-entropy that large means logit gaps of thousands,
     * where an honest run stays within a few times ln(classes). Left to go on, such training ends
     * with dead units and a model at chance (its loss back near ln(classes)), reported as a result.
     */
    static final float DIVERGED_LOSS = 1e4f;

    /**
     * A non-finite or exploded loss poisons every weight at the next step. The run stops instead,
     * naming where it diverged.
     */
    private RunFailure diverged(int epoch, int batch, int batches, float loss) {
        return new RunFailure(String.format(java.util.Locale.ROOT, "training diverged: the loss is %s at epoch %d, batch %d of %d"
                + " (%s, learning rate %s); lower the learning rate", loss, epoch, batch, batches, plan.optimizer(), plan.learningRate()));
    }

    private Optimizer optimizer(Tracker lr) {
        return switch (plan.optimizer()) {
            case "sgd" -> Optimizer.sgd().setLearningRateTracker(lr).optMomentum(0.9f).build();
            default -> Optimizer.adam().optLearningRateTracker(lr).build();
        };
    }

    public static double fractionCorrect(int[] predicted, int[] labels) {
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
