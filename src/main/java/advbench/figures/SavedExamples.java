package advbench.figures;

import advbench.Json;
import advbench.UserError;
import com.fasterxml.jackson.databind.DeserializationFeature;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.List;

/**
 * The content of examples.json: the images of the adversarial example grid, so that
 * {@code bench figures} can redraw it without a model. Per model: the clean samples, and per
 * attack and epsilon the adversarial images, predicted labels and confidences.
 *
 * <p>Pixels are exact float32 values (an adversarial pixel is not a multiple of 1/255), stored
 * as little-endian bytes that Jackson writes in base64: a fifth of the size of decimal text.
 *
 * @param format names this layout, so that a later change can still read older runs
 */
public record SavedExamples(String format, List<ModelExamples> models) {
    public static final String FILE = "examples.json";
    public static final String FORMAT = "bench-examples/1";

    /**
     * One model's grid.
     *
     * @param model "baseline", or the defence method for the adversarially trained model
     * @param sampleIndices positions of the samples in the run's test set
     */
    public record ModelExamples(String model, int rows, int cols, int[] sampleIndices, int[] labels, Images clean,
                                List<AttackImages> attacks) {

        public int count() {
            return labels.length;
        }
    }

    /**
     * Images of all samples, one after another, with what the model made of them.
     *
     * @param pixels little-endian float32, row-major, in [0, 1]
     * @param confidence softmax probability of the predicted class
     */
    public record Images(byte[] pixels, int[] predicted, float[] confidence) {

        public float[] floats() {
            return toFloats(pixels);
        }
    }

    /** The adversarial versions of the samples under one attack at one epsilon. */
    public record AttackImages(String attack, String norm, double epsilon, Images images) {}

    public static byte[] toBytes(float[] values) {
        ByteBuffer buffer = ByteBuffer.allocate(4 * values.length).order(ByteOrder.LITTLE_ENDIAN);
        buffer.asFloatBuffer().put(values);
        return buffer.array();
    }

    public static float[] toFloats(byte[] bytes) {
        float[] values = new float[bytes.length / 4];
        ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(values);
        return values;
    }

    public void writeTo(OutputStream out) throws IOException {
        Json.MAPPER.writeValue(out, this);
    }

    /** Reads a run's examples.json; a file that does not hold this layout is a user error. */
    public static SavedExamples read(Path file) {
        try {
            SavedExamples saved = Json.MAPPER.readerFor(SavedExamples.class)
                    .without(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES).readValue(file.toFile());
            if (!FORMAT.equals(saved.format()) || saved.models() == null) {
                throw new UserError(file + ": not a " + FORMAT + " file (format '" + saved.format() + "')");
            }
            return saved;
        } catch (IOException e) {
            throw new UserError(file + ": unreadable (" + firstLine(e.getMessage()) + ")");
        }
    }

    static String firstLine(String message) {
        return message == null ? "" : message.lines().findFirst().orElse("");
    }
}
