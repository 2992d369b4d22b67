package advbench.model;

import static org.junit.jupiter.api.Assertions.assertEquals;

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
}
