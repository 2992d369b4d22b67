package advbench;

import advbench.data.DataLocator;
import advbench.data.Dataset;
import advbench.data.Downloader;
import advbench.data.KnownDatasets;
import advbench.model.Classifier;
import advbench.model.Engines;
import advbench.train.ModelTrainer;
import advbench.train.TrainingPlan;
import java.time.Duration;

/**
 * Real data and a really trained model for tests, shared by all test classes in the JVM. MNIST
 * is found the way a user's run finds it ($BENCH_DATA, the cache, or a download).
 */
public final class TestFixtures {
    private static Dataset mnist;
    private static Classifier trained;

    private TestFixtures() {}

    /** 4,000 training and 1,000 test images of MNIST, chosen by seed 11. */
    public static synchronized Dataset mnistSubset() {
        if (mnist == null) {
            Engines.configure(0);
            DataLocator locator = DataLocator.fromEnvironment(null, System.getenv(), new Downloader(Duration.ofSeconds(10), s -> { }));
            mnist = Dataset.load("mnist", advbench.data.IdxFiles.of(locator.locate(KnownDatasets.MNIST)), KnownDatasets.MNIST.knownClasses(), 4000, 1000, 11);
        }
        return mnist;
    }

    /** small-cnn trained for one epoch on {@link #mnistSubset()}: about 93-96% clean accuracy. */
    public static synchronized Classifier trainedCnn() {
        if (trained == null) {
            Dataset d = mnistSubset();
            Engines.seed(5);
            trained = Classifier.create("small-cnn", d.shape());
            ModelTrainer.standard(new TrainingPlan(2, 32, "adam", 2e-3, "constant"), RunLog.silent()).train(trained, d.train(), d.test(), 5);
        }
        return trained;
    }
}
