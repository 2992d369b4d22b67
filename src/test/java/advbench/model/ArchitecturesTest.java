package advbench.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import advbench.UserError;
import advbench.data.DataShape;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class ArchitecturesTest {
    static final DataShape MNIST = new DataShape(1, 28, 28, 10, null);
    static final DataShape COLOUR = new DataShape(3, 16, 16, 4, java.util.List.of("a", "b", "c", "d"));

    @BeforeAll
    static void engine() {
        Engines.configure(0);
    }

    @Test
    void everyArchitectureMapsABatchOfImagesToOneLogitPerClass() {
        for (String name : Architectures.names()) {
            for (DataShape shape : new DataShape[] {MNIST, COLOUR}) {
                try (Classifier c = Classifiers.create(name, shape); NDManager m = c.manager().newSubManager()) {
                    Shape in = new Shape(3, shape.channels(), shape.height(), shape.width());
                    assertEquals(new Shape(3, shape.classes()), c.logits(m.zeros(in)).getShape(), name + " on " + shape);
                    assertEquals(shape, c.shape());
                }
            }
        }
    }

    /** An architecture that cannot take the data says so when it is built, before any training. */
    @Test
    void imagesTooSmallForAnArchitectureAreAUserError() {
        UserError e = assertThrows(UserError.class, () -> Classifiers.create("small-cnn", new DataShape(1, 1, 1, 10, null)));
        assertTrue(e.getMessage().startsWith("small-cnn cannot take 1x1x1 images"), e.getMessage());
        assertTrue(!e.getMessage().contains("\n"), e.getMessage());
    }

    /** wong-cnn starts like Wong et al.'s PyTorch model: weights U(+-1/sqrt(fan_in)), wider than Xavier's. */
    @Test
    void wongCnnUsesPyTorchsDefaultInitialisation() {
        Engines.seed(1);
        try (Classifier c = Classifiers.create("wong-cnn", MNIST)) {
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
