package advbench.model;

import ai.djl.Model;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import ai.djl.training.Trainer;
import ai.djl.training.TrainingConfig;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A TorchScript module's weights, saved as {@code model.pt}, a file PyTorch's torch.jit.load
 * reads back; snapshots hold the whole module, batch-norm statistics included, which DJL's
 * parameters lack.
 */
final class ScriptWeights implements Weights {
    static final String FILE = "model.pt";

    private final Model model;
    private final TorchScriptBlock script;
    private final Shape input;
    private ParameterStore store;
    /**
     * The file the module was read from, while its weights are still those: {@link #save} copies
     * it as it is. Writing the module again would give the same weights in a different file
     * (libtorch puts a per-load serialization id and debug data in it), so a run that reuses a
     * cached model would record another SHA-256 than the run that trained it.
     */
    private Path unchanged;

    /** @param input the shape of one image batch a trainer is initialised with */
    ScriptWeights(Model model, TorchScriptBlock script, Shape input, Path readFrom) {
        this.model = model;
        this.script = script;
        this.input = input;
        this.unchanged = readFrom;
        this.store = new ParameterStore(model.getNDManager(), false);
    }

    @Override
    public String fileName() {
        return FILE;
    }

    @Override
    public void load(Path dir) {
        try {
            Path file = dir.resolve(FILE);
            script.replace(Files.readAllBytes(file));
            unchanged = file;
        } catch (IOException | RuntimeException e) {
            throw new UncheckedIOException(new IOException("cannot load weights from " + dir, e));
        }
        store = new ParameterStore(model.getNDManager(), false);
    }

    @Override
    public void save(Path dir) {
        try (OutputStream out = Files.newOutputStream(dir.resolve(FILE))) {
            if (unchanged != null) {
                Files.copy(unchanged, out);
            } else {
                script.write(out);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public byte[] snapshot() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        script.write(bytes);
        return bytes.toByteArray();
    }

    @Override
    public void restore(byte[] snapshot) {
        script.replace(snapshot);
        unchanged = null;
        store = new ParameterStore(model.getNDManager(), false);
    }

    /**
     * The module's parameters are registered with the trainer up front: its forward does not go
     * through DJL's parameter store, so the trainer would otherwise never update them.
     */
    @Override
    public Trainer newTrainer(TrainingConfig config) {
        Trainer trainer = model.newTrainer(config);
        unchanged = null; // training changes the weights
        trainer.initialize(input);
        return trainer;
    }

    @Override
    public boolean torchScript() {
        return true;
    }

    @Override
    public ParameterStore store() {
        return store;
    }
}
