package advbench.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import advbench.UserError;
import advbench.data.DataShape;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What the load-time probe says about models that would make a run's numbers wrong, each
 * exported by PyTorch (make_fixtures.py): one line each, naming the fix.
 */
class TorchScriptChecksTest {
    static final DataShape SMALL = new DataShape(1, 8, 8, 3, null);

    @TempDir
    Path tmp;

    @BeforeAll
    static void engine() {
        Engines.configure(0);
    }

    static String refusal(String fixture, DataShape shape) {
        return refusal(DjlTorchScriptTest.fixture(fixture), shape);
    }

    static String refusal(Path file, DataShape shape) {
        UserError e = assertThrows(UserError.class, () -> Classifiers.torchScript(file, shape, null, w -> { }).close());
        assertTrue(!e.getMessage().contains("\n"), "one line: " + e.getMessage());
        return e.getMessage();
    }

    @Test
    void aModelTracedInTrainingModeIsRefused() {
        assertTrue(refusal("traced-dropout.pt", SMALL).startsWith("gives different outputs for the same images twice: dropout"));
        String bn = refusal("traced-batchnorm.pt", SMALL);
        assertTrue(bn.contains("batch norm") && bn.contains("model.eval()"), bn);
    }

    @Test
    void outputsThatAreNotOneLogitVectorPerImageAreRefused() {
        assertTrue(refusal("tuple-output.pt", SMALL).startsWith("returns 2 tensors (a tuple?)"), refusal("tuple-output.pt", SMALL));
        assertEquals("gives outputs of shape (4, 1, 8, 8) for 4 images; a classifier gives one vector of logits per image, (4, 3)",
                refusal("image-output.pt", SMALL));
        assertEquals("gives 10 outputs per image, but the data has 4 classes",
                refusal("colour-bn-dropout.pt", new DataShape(3, 32, 32, 4, null)));
    }

    @Test
    void imagesTheModelCannotTakeAreRefusedWithPyTorchsReason() {
        String grey = refusal("colour-bn-dropout.pt", new DataShape(1, 28, 28, 10, null));
        assertTrue(grey.startsWith("cannot take 1x28x28 images (channels x height x width): "), grey);
        assertTrue(grey.contains("to have 3 channels, but got 1 channels"), grey);
        assertTrue(!grey.contains("Exception raised from") && !grey.contains("Traceback"), grey);
    }

    @Test
    void filesThatAreNotTorchScriptAreToldApart() throws IOException {
        assertTrue(refusal("checkpoint.pt", SMALL).startsWith("is a PyTorch checkpoint (torch.save), not a TorchScript model"));
        assertTrue(refusal(Files.write(tmp.resolve("noise.pt"), new byte[] {1, 2, 3, 4, 5}), SMALL).startsWith("is not a TorchScript model"));
        assertTrue(refusal(Files.writeString(tmp.resolve("empty.pt"), ""), SMALL).startsWith("is not a TorchScript model"));
        // a real TorchScript archive, damaged: libtorch's reason, on one line
        byte[] good = Files.readAllBytes(DjlTorchScriptTest.fixture("softmax.pt"));
        byte[] cut = java.util.Arrays.copyOf(good, good.length - 200);
        String damaged = refusal(Files.write(tmp.resolve("cut.pt"), cut), SMALL);
        assertTrue(damaged.startsWith("is not a TorchScript model") || damaged.startsWith("cannot be loaded as TorchScript"), damaged);
    }

    @Test
    void probabilitiesAreAWarningNotARefusal() {
        List<String> warnings = new ArrayList<>();
        try (Classifier c = Classifiers.torchScript(DjlTorchScriptTest.fixture("softmax.pt"), SMALL, null, warnings::add)) {
            assertEquals(1, warnings.size());
            assertTrue(warnings.get(0).contains("look like probabilities") && warnings.get(0).contains("masks gradients"), warnings.get(0));
        }
        List<String> none = new ArrayList<>();
        try (Classifier c = Classifiers.torchScript(DjlTorchScriptTest.fixture("colour-bn-dropout.pt"), new DataShape(3, 32, 32, 10, null),
                null, none::add)) {
            assertEquals(List.of(), none, "logits give no warning");
        }
    }

    /**
     * A network random on purpose (here: dropout left on) is refused unless declared randomised,
     * and the refusal says how to declare it; declared, it loads and gives different outputs.
     */
    @Test
    void aRandomisedModelLoadsOnlyWhenDeclared() {
        assertTrue(refusal("traced-dropout.pt", SMALL).endsWith("declare it with randomised: true in the model section"));
        List<String> warnings = new ArrayList<>();
        try (Classifier c = Classifiers.torchScript(DjlTorchScriptTest.fixture("traced-dropout.pt"), SMALL, null, true, warnings::add);
             ai.djl.ndarray.NDManager scope = c.manager().newSubManager()) {
            assertEquals(List.of(), warnings);
            ai.djl.ndarray.NDArray x = scope.ones(new ai.djl.ndarray.types.Shape(2, 1, 8, 8));
            assertTrue(!java.util.Arrays.equals(c.logits(x).toFloatArray(), c.logits(x).toFloatArray()), "two forwards differ");
        }
        List<String> deterministic = new ArrayList<>();
        try (Classifier c = Classifiers.torchScript(DjlTorchScriptTest.fixture("softmax.pt"), SMALL, null, true, deterministic::add)) {
            assertTrue(deterministic.get(0).contains("declared randomised, but two forwards of the same images gave the same outputs"),
                    deterministic.toString());
        }
    }
}
