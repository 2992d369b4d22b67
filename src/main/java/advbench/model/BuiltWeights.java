package advbench.model;

import ai.djl.MalformedModelException;
import ai.djl.Model;
import ai.djl.training.ParameterStore;
import ai.djl.training.Trainer;
import ai.djl.training.TrainingConfig;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;

/** The DJL parameters of an architecture built here, saved as {@code model-0000.params}. */
final class BuiltWeights implements Weights {
    static final String NAME = "model";

    private final Model model;
    private ParameterStore store;

    BuiltWeights(Model model) {
        this.model = model;
        this.store = new ParameterStore(model.getNDManager(), false);
    }

    @Override
    public String fileName() {
        return NAME + "-0000.params";
    }

    /**
     * DJL's Model.load skips a parameters file that does not start with its magic number and keeps
     * the weights the model had (a fresh model's random ones) without a word (DjlBehaviourTest pins
     * this down): such a file is refused here.
     */
    @Override
    public void load(Path dir) {
        try {
            byte[] head = new byte[4];
            try (java.io.InputStream in = java.nio.file.Files.newInputStream(dir.resolve(fileName()))) {
                if (in.readNBytes(head, 0, 4) < 4 || !new String(head, java.nio.charset.StandardCharsets.ISO_8859_1).equals("DJL@")) {
                    throw new IOException(dir.resolve(fileName()) + " is not a DJL parameters file");
                }
            }
            model.load(dir, NAME);
        } catch (IOException | MalformedModelException e) {
            throw new UncheckedIOException(new IOException("cannot load weights from " + dir, e));
        }
        store = new ParameterStore(model.getNDManager(), false);
    }

    @Override
    public void save(Path dir) {
        try {
            model.save(dir, NAME);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public byte[] snapshot() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            model.getBlock().saveParameters(out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    /** DJL's loadParameters gives every parameter a new array: without a fresh store the model would compute with the old ones. */
    @Override
    public void restore(byte[] snapshot) {
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(snapshot))) {
            model.getBlock().loadParameters(model.getNDManager(), in);
        } catch (IOException | MalformedModelException e) {
            throw new IllegalStateException("cannot restore a weights snapshot", e);
        }
        store = new ParameterStore(model.getNDManager(), false);
    }

    @Override
    public Trainer newTrainer(TrainingConfig config) {
        return model.newTrainer(config);
    }

    @Override
    public boolean torchScript() {
        return false;
    }

    @Override
    public ParameterStore store() {
        return store;
    }
}
