package advbench.certify;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import advbench.Binomial;
import advbench.RunLog;
import advbench.TestFixtures;
import advbench.data.LabeledImages;
import advbench.eval.Metrics;
import advbench.model.Classifier;
import advbench.model.Classifiers;
import advbench.model.Preprocessing;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Randomized smoothing of a TorchScript model (the shipped PyTorch MNIST CNN, preprocessing in
 * front): the smoothed classifier classifies real test images, no radius exceeds the largest n
 * draws can certify, its metrics are consistent, and the same seed gives the same certificates.
 */
class SmoothingIT {

    @Test
    void aTorchScriptModelIsSmoothedAndCertifiedReproducibly() {
        LabeledImages test = TestFixtures.mnistSubset().test().first(40);
        Smoothing.Settings settings = new Smoothing.Settings(0.25, 100, 1_000, 0.001, 500);
        try (Classifier model = Classifiers.torchScript(Path.of("src/test/resources/torchscript/mnist-cnn.pt"), test.shape(),
                new Preprocessing(List.of(0.1307), List.of(0.3081)), w -> { })) {
            SmoothedOutcome a = new Certifier(RunLog.silent()).smoothing(model, test, new Smoothing(settings, 9), 40);
            SmoothedOutcome b = new Certifier(RunLog.silent()).smoothing(model, test, new Smoothing(settings, 9), 40);
            double cap = 0.25 * Binomial.normalQuantile(Binomial.clopperPearsonLower(1_000, 1_000, 0.001));
            int correct = 0;
            for (int i = 0; i < test.count(); i++) {
                Smoothing.Result r = a.results()[i];
                assertTrue(r.radius() <= cap + 1e-12, "sample " + i + ": radius " + r.radius() + " above what 1,000 draws certify, " + cap);
                assertTrue(r.certified() >= 0 || r.radius() == 0, "an abstention certifies nothing");
                correct += r.predicted() == test.labels()[i] ? 1 : 0;
                assertArrayEquals(new double[] {r.radius(), r.certified(), r.predicted()},
                        new double[] {b.results()[i].radius(), b.results()[i].certified(), b.results()[i].predicted()}, "same seed, same result");
            }
            // This model never saw noise: under sigma 0.25 it keeps about two thirds (27 of these 40,
            // abstentions counted wrong), far above chance.
            assertTrue(correct > 20, "the smoothed classifier classifies most of 40 test images: " + correct);
            Metrics.Smoothed m = CertificateMetrics.smoothing(a);
            assertTrue(m.cleanAccuracy() == correct / 40.0);
            assertTrue(m.atRadii().get(0)[1] == m.certifiedAccuracy(), "certified accuracy at radius 0 is CERTIFY's share of correct answers");
            for (int k = 1; k < m.curve().size(); k++) {
                assertTrue(m.curve().get(k)[1] <= m.curve().get(k - 1)[1] && m.curve().get(k)[0] >= m.curve().get(k - 1)[0], "a falling step curve");
            }
        }
    }
}
