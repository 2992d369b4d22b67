package advbench.model;

import ai.djl.training.ParameterStore;
import ai.djl.training.Trainer;
import ai.djl.training.TrainingConfig;
import java.nio.file.Path;

/**
 * A classifier's weights, and what persisting them means for its kind of network: DJL parameters
 * of an architecture built here ({@link BuiltWeights}), or a TorchScript module
 * ({@link ScriptWeights}). They own the parameter store a forward pass reads: DJL's store keeps
 * handing out the arrays it first saw, so every load or restore gives a fresh one
 * (DjlBehaviourTest pins this down).
 */
public sealed interface Weights permits BuiltWeights, ScriptWeights {

    /** The file {@link #save} writes into a folder. */
    String fileName();

    /** Reads weights {@link #save} wrote into {@code dir}, replacing these. */
    void load(Path dir);

    void save(Path dir);

    /** The current weights, in memory: a checkpoint to go back to. */
    byte[] snapshot();

    /** Puts back weights from {@link #snapshot}. */
    void restore(byte[] snapshot);

    /** A DJL trainer over these weights (which training then changes). */
    Trainer newTrainer(TrainingConfig config);

    /** Whether these are a TorchScript module's (saved as a file PyTorch reads back). */
    boolean torchScript();

    /** The store a forward pass reads the parameters from. */
    ParameterStore store();
}
