package advbench;

import advbench.data.DataLocator;
import advbench.data.Dataset;
import advbench.data.Downloader;
import advbench.data.KnownDatasets;
import advbench.data.DataShape;
import advbench.data.LabeledImages;
import advbench.model.Classifier;
import advbench.model.Classifiers;
import advbench.model.Engines;
import advbench.train.ModelTrainer;
import advbench.train.TrainingPlan;
import java.time.Duration;
import java.util.Random;

/**
 * Data and trained models for tests, shared by all test classes in the JVM: a small synthetic
 * set with a model trained on it in about a second (the fast tier's), and real MNIST with models
 * trained on a subset (the integration tier's). MNIST is found the way a user's run finds it
 * ($BENCH_DATA, the cache, or a download).
 */
public final class TestFixtures {
    private static Dataset mnist;
    private static Classifier trained;
    private static Classifier defended;
    private static Synthetic synthetic;

    private TestFixtures() {}

    /** Grey 12 x 12 images of ten learnable classes, and small-cnn trained on them. */
    public record Synthetic(LabeledImages train, LabeledImages test, Classifier model) {}

    /**
     * Each class is a fixed random pattern (drawn from seed 17) under uniform noise, 0.55 of the
     * pattern and 0.45 of noise: far enough apart to learn in two quick epochs, close enough that
     * budgets of 0.1 to 0.3 fool the model. 1,000 training and 200 test images.
     */
    public static synchronized Synthetic synthetic() {
        if (synthetic == null) {
            Engines.configure(0);
            DataShape shape = new DataShape(1, 12, 12, 10, null);
            Random random = new Random(17);
            float[][] patterns = new float[10][shape.pixelsPerImage()];
            for (float[] p : patterns) {
                for (int k = 0; k < p.length; k++) {
                    p[k] = random.nextFloat();
                }
            }
            LabeledImages train = patterned(patterns, 1000, shape, random);
            LabeledImages test = patterned(patterns, 200, shape, random);
            Engines.seed(7);
            Classifier model = Classifiers.create("small-cnn", shape);
            ModelTrainer.standard(new TrainingPlan(2, 50, "adam", 3e-3, "constant"), RunLog.silent()).train(model, train, test, 7);
            synthetic = new Synthetic(train, test, model);
        }
        return synthetic;
    }

    private static LabeledImages patterned(float[][] patterns, int n, DataShape shape, Random random) {
        int d = shape.pixelsPerImage();
        float[] pixels = new float[n * d];
        int[] labels = new int[n];
        for (int i = 0; i < n; i++) {
            labels[i] = i % patterns.length;
            for (int k = 0; k < d; k++) {
                pixels[i * d + k] = 0.55f * patterns[labels[i]][k] + 0.45f * random.nextFloat();
            }
        }
        return new LabeledImages(pixels, labels, shape);
    }

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
            trained = Classifiers.create("small-cnn", d.shape());
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
            defended = Classifiers.create("small-cnn", d.shape());
            advbench.attack.Pgd fgsmRs = new advbench.attack.Pgd("fgsm-rs", advbench.attack.Norm.LINF, 1,
                    advbench.attack.StepSize.relative(1.25), 1, 21, null);
            new ModelTrainer(new TrainingPlan(5, 64, "adam", 5e-3, "one-cycle"), advbench.train.Objective.adversarial(fgsmRs, 0.2), null,
                    RunLog.silent()).train(defended, d.train(), d.test(), 21);
        }
        return defended;
    }
}
