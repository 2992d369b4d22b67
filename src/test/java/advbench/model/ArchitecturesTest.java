package advbench.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class ArchitecturesTest {
    @BeforeAll
    static void engine() {
        Engines.configure(0);
    }

    @Test
    void everyArchitectureMapsABatchOfImagesToTenLogits() {
        for (String name : Architectures.names()) {
            try (Classifier c = Classifier.create(name, 28, 28); NDManager m = c.manager().newSubManager()) {
                assertEquals(new Shape(3, 10), c.logits(m.zeros(new Shape(3, 1, 28, 28))).getShape(), name);
            }
        }
    }

    /** wong-cnn starts like Wong et al.'s PyTorch model: weights U(+-1/sqrt(fan_in)), wider than Xavier's. */
    @Test
    void wongCnnUsesPyTorchsDefaultInitialisation() {
        Engines.seed(1);
        try (Classifier c = Classifier.create("wong-cnn", 28, 28)) {
            float[] conv1 = c.djlModel().getBlock().getParameters().get(0).getValue().getArray().toFloatArray();
            double max = 0;
            for (float w : conv1) {
                max = Math.max(max, Math.abs(w));
            }
            // fan_in 1*4*4 = 16: bound 0.25; Xavier's bound would be sqrt(6 / (16 + 256)) = 0.149
            assertTrue(max <= 0.25 && max > 0.2, "largest |w| of conv1: " + max);
        }
    }
}
