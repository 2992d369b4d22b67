package advbench.report;

import advbench.Json;
import advbench.UserError;
import advbench.eval.Examples;
import com.fasterxml.jackson.databind.DeserializationFeature;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.ArrayList;
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
    /** Version 2 added {@code channels}; version 1 files are grey. */
    public static final String FORMAT = "bench-examples/2";
    static final List<String> READABLE = List.of("bench-examples/1", FORMAT);

    /**
     * One model's grid.
     *
     * @param model "baseline", or the defence method for the adversarially trained model
     * @param channels 1 (grey) or 3 (colour, each image channel by channel); null in version 1 files
     * @param sampleIndices positions of the samples in the run's test set
     */
    public record ModelExamples(String model, Integer channels, int rows, int cols, int[] sampleIndices, int[] labels,
                                Images clean, List<AttackImages> attacks) {

        public int count() {
            return labels.length;
        }

        public int channelCount() {
            return channels == null ? 1 : channels;
        }

        /** Values per image. */
        public int pixelsPerImage() {
            return channelCount() * rows * cols;
        }
    }

    /** The grid samples of each evaluated model, as the evaluation saw them. */
    public static SavedExamples of(List<ModelRun> models) {
        List<ModelExamples> out = new ArrayList<>();
        for (ModelRun m : models) {
            Examples ex = m.evaluation().examples();
            var shape = ex.samples().shape();
            List<AttackImages> rows = new ArrayList<>();
            for (Examples.Row row : ex.rows()) {
                rows.add(new AttackImages(row.attack(), row.norm().label(), row.epsilon(), images(row.images())));
            }
            int[] indices = new int[ex.samples().count()];
            java.util.Arrays.setAll(indices, i -> i); // the grid shows the first samples of the test set
            out.add(new ModelExamples(m.label(), shape.channels(), shape.height(), shape.width(), indices,
                    ex.samples().labels().clone(), images(ex.clean()), List.copyOf(rows)));
        }
        return new SavedExamples(FORMAT, List.copyOf(out));
    }

    private static Images images(Examples.Shot shot) {
        return new Images(toBytes(shot.pixels()), shot.predicted().clone(), shot.confidence().clone());
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
            if (!READABLE.contains(saved.format()) || saved.models() == null) {
                throw new UserError(file + ": not a " + FORMAT + " file (format '" + saved.format() + "')");
            }
            for (int m = 0; m < saved.models().size(); m++) {
                String problem = problem(saved.models().get(m));
                if (problem != null) {
                    throw new UserError(file + ": models[" + m + "]: " + problem);
                }
            }
            return saved;
        } catch (com.fasterxml.jackson.databind.JsonMappingException e) {
            throw new UserError(file + ": " + SavedRun.describe(e));
        } catch (IOException e) {
            throw new UserError(file + ": unreadable (" + advbench.Errors.reason(e) + ")");
        }
    }

    /** What does not add up in one model's grid (sizes, counts), or null: the drawing trusts these. */
    private static String problem(ModelExamples m) {
        if (m == null || m.labels() == null || m.clean() == null || m.attacks() == null) {
            return "needs labels, clean images and attacks";
        }
        if (m.channelCount() != 1 && m.channelCount() != 3 || m.rows() < 1 || m.cols() < 1) {
            return "images of " + m.channelCount() + "x" + m.rows() + "x" + m.cols() + " are not images";
        }
        String clean = problem(m.clean(), m.count(), m.pixelsPerImage());
        if (clean != null) {
            return "clean: " + clean;
        }
        for (AttackImages a : m.attacks()) {
            String p = a == null ? "missing" : a.attack() == null ? "no attack name" : problem(a.images(), m.count(), m.pixelsPerImage());
            if (p != null) {
                return (a == null || a.attack() == null ? "an attack" : a.attack()) + ": " + p;
            }
        }
        return null;
    }

    private static String problem(Images images, int count, int pixelsPerImage) {
        if (images == null || images.pixels() == null || images.predicted() == null || images.confidence() == null) {
            return "needs pixels, predictions and confidences";
        }
        if ((long) images.pixels().length != 4L * count * pixelsPerImage || images.predicted().length != count
                || images.confidence().length != count) {
            return "sizes do not match " + count + " images of " + pixelsPerImage + " values";
        }
        return null;
    }

    static String firstLine(String message) {
        return message == null ? "" : message.lines().findFirst().orElse("");
    }
}
