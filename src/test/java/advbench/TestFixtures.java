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
    private static Classifier defended;

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

    /**
     * small-cnn trained adversarially (FGSM with a random start at L-inf 0.2, Wong et al.'s fast
     * adversarial training) on {@link #mnistSubset()}: robust enough that PGD at 0.2 leaves most
     * samples unfooled, for tests that need attacks to work hard.
     */
    public static synchronized Classifier defendedCnn() {
        if (defended == null) {
            Dataset d = mnistSubset();
            Engines.seed(21);
            defended = Classifier.create("small-cnn", d.shape());
            advbench.attack.Pgd fgsmRs = new advbench.attack.Pgd("fgsm-rs", advbench.attack.Norm.LINF, 1,
                    advbench.attack.StepSize.relative(1.25), 1, 21, null);
            new ModelTrainer(new TrainingPlan(5, 64, "adam", 5e-3, "one-cycle"), advbench.train.Objective.adversarial(fgsmRs, 0.2), null,
                    RunLog.silent()).train(defended, d.train(), d.test(), 21);
        }
        return defended;
    }
}
