package advbench.eval;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import advbench.data.DataShape;
import advbench.data.LabeledImages;
import advbench.model.Classifier;
import advbench.model.Classifiers;
import advbench.model.Engines;
import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** AutoAttack's randomness check on TorchScript fixtures: dropout left on is random, a plain network is not. */
class RandomnessCheckTest {
    static final DataShape SMALL = new DataShape(1, 8, 8, 3, null);

    @BeforeAll
    static void engine() {
        Engines.configure(0);
    }

    static LabeledImages images(int n) {
        Random random = new Random(1);
        float[] pixels = new float[n * 64];
        int[] labels = new int[n];
        for (int i = 0; i < pixels.length; i++) {
            pixels[i] = random.nextFloat();
        }
        for (int i = 0; i < n; i++) {
            labels[i] = random.nextInt(3);
        }
        return new LabeledImages(pixels, labels, SMALL);
    }

    static Path fixture(String name) {
        return Path.of("src/test/resources/torchscript", name);
    }

    @Test
    void repeatedForwardsDifferOnlyForARandomNetwork() {
        try (Classifier random = Classifiers.torchScript(fixture("traced-dropout.pt"), SMALL, null, true, w -> { })) {
            assertTrue(RandomnessCheck.repeatedForwardsDiffer(random, images(20), 100));
        }
        try (Classifier fixed = Classifiers.torchScript(fixture("softmax.pt"), SMALL, null, w -> { })) {
            assertFalse(RandomnessCheck.repeatedForwardsDiffer(fixed, images(20), 100));
        }
    }
}
