package advbench.experiment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import advbench.TestFixtures;
import advbench.data.Dataset;
import advbench.model.Classifier;
import advbench.train.ModelProvider;
import advbench.train.ModelSource;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The PyTorch-trained model that experiments/own-model.yaml evaluates, as that file opens it:
 * it loads, takes its preprocessing from the file, and classifies MNIST as well as PyTorch
 * measured (98.3% on the full test set; scripts/pytorch/export_mnist_cnn.py).
 */
class ShippedModelIT {
    @Test
    void theExampleModelClassifiesMnistAsPyTorchDid() {
        Path file = Path.of("experiments/own-model.yaml");
        ModelSource source = ModelSources.of(ExperimentLoader.load(file), file.getParent()).get(0);
        Dataset data = TestFixtures.mnistSubset();
        List<String> warnings = new ArrayList<>();
        try (Classifier model = ModelProvider.open(source, data.shape(), warnings::add)) {
            assertTrue(model.weights().torchScript());
            assertEquals(0.1307, model.preprocessing().mean().get(0), 1e-12);
            int[] predicted = model.predictAll(data.test(), 500);
            int correct = 0;
            for (int i = 0; i < predicted.length; i++) {
                correct += predicted[i] == data.test().labels()[i] ? 1 : 0;
            }
            double accuracy = correct / (double) predicted.length;
            assertTrue(accuracy > 0.97, "accuracy on 1,000 test images: " + accuracy);
            assertTrue(warnings.isEmpty(), "logits, not probabilities: " + warnings);
        }
    }
}
