package advbench.model;

import advbench.UserError;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.ParameterList;
import ai.djl.pytorch.engine.PtNDManager;
import ai.djl.pytorch.engine.PtSymbolBlock;
import ai.djl.pytorch.jni.IValueUtils;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.zip.ZipFile;

/**
 * A TorchScript module as a DJL block, with the two things DJL's own {@code PtSymbolBlock} gets
 * wrong for attacks (DjlTorchScriptTest pins both down against values PyTorch computed):
 * <ul>
 *   <li>The module is loaded with its parameters as ordinary tensors ({@code trainParam}); loaded
 *       the default way they are inference tensors, and an input gradient fails with "Inference
 *       tensors cannot be saved for backward".</li>
 *   <li>Its train/eval mode follows each forward's {@code training} flag, set here. DJL's block
 *       caches the mode and runs a forward that records gradients only in training mode, so a
 *       gradient taken through it would turn on dropout and update batch-norm statistics. Here a
 *       forward always records gradients when a gradient collector is open, and the module
 *       stays in eval() unless the trainer asks for training.</li>
 * </ul>
 */
public final class TorchScriptBlock extends AbstractBlock {
    private static final byte VERSION = 1;

    private final PtNDManager manager;
    private PtSymbolBlock module;
    /** The module's mode as last set here; null until the first forward sets it. */
    private Boolean training;

    private TorchScriptBlock(PtNDManager manager, PtSymbolBlock module) {
        super(VERSION);
        this.manager = manager;
        this.module = module;
    }

    /**
     * Loads {@code file}. A file that is not TorchScript is told apart before libtorch sees it
     * (a checkpoint saved with torch.save is the common mistake); what libtorch then refuses is
     * reported with its own reason. Both are {@link UserError}s.
     */
    static TorchScriptBlock load(NDManager manager, Path file) {
        String notScript = notTorchScript(file);
        if (notScript != null) {
            throw new UserError(notScript);
        }
        PtNDManager pt = (PtNDManager) manager;
        try {
            return new TorchScriptBlock(pt, JniUtils.loadModule(pt, file.toAbsolutePath(), true, new String[0], new String[0], true));
        } catch (RuntimeException e) {
            throw new UserError("cannot be loaded as TorchScript: " + reason(e));
        }
    }

    /**
     * Why a file is not a TorchScript archive, or null if it looks like one. TorchScript is a zip
     * holding the module's code ({@code code/}) and constants; torch.save writes a zip with a
     * pickle and tensor data only.
     */
    static String notTorchScript(Path file) {
        try (ZipFile zip = new ZipFile(file.toFile())) {
            boolean code = false;
            boolean pickle = false;
            for (var entries = zip.entries(); entries.hasMoreElements(); ) {
                String name = entries.nextElement().getName();
                code |= name.contains("/code/") || name.endsWith("constants.pkl");
                pickle |= name.endsWith("/data.pkl");
            }
            if (code) {
                return null;
            }
            return pickle ? "is a PyTorch checkpoint (torch.save), not a TorchScript model; export the model with"
                    + " torch.jit.script(model.eval()).save(path) or torch.jit.trace(model.eval(), example).save(path)"
                    : "is a zip file, but not a TorchScript model (no code/ inside)";
        } catch (IOException e) {
            return "is not a TorchScript model (not a zip archive; a model saved with torch.save before PyTorch 1.6, or another file?);"
                    + " export it with torch.jit.script(model.eval()).save(path)";
        }
    }

    /**
     * The sentence that explains a libtorch failure: the last "...Error: message" line of
     * TorchScript's traceback, else the first line, without the C++ stack.
     */
    static String reason(Throwable e) {
        String message = e.getMessage() == null ? advbench.Errors.describe(e) : e.getMessage();
        String found = null;
        for (String line : message.split("\\R")) {
            java.util.regex.Matcher m = java.util.regex.Pattern.compile("^\\s*\\w*(Error|Exception): (.+)$").matcher(line);
            if (m.matches()) {
                found = m.group(2);
            }
        }
        if (found == null) {
            found = message.lines().map(String::strip).filter(l -> !l.isEmpty()).findFirst().orElse(message);
        }
        int stack = found.indexOf("Exception raised from");
        found = (stack > 0 ? found.substring(0, stack) : found).strip();
        return found.length() > 300 ? found.substring(0, 300) + "..." : found;
    }

    @Override
    protected NDList forwardInternal(ParameterStore parameterStore, NDList inputs, boolean training, PairList<String, Object> params) {
        setMode(training);
        // isTrain=true only means "no inference-mode guard": autograd records exactly when a
        // gradient collector is open, as for DJL's own blocks
        return IValueUtils.forward(module, inputs, true);
    }

    private void setMode(boolean wanted) {
        if (training == null || training != wanted) {
            if (wanted) {
                JniUtils.enableTrainingMode(module);
            } else {
                JniUtils.enableInferenceMode(module);
            }
            training = wanted;
        }
    }

    /** The module's parameters (named as in PyTorch, "fc.weight"); batch-norm statistics are buffers, not among them. */
    @Override
    public ParameterList getDirectParameters() {
        return module.getDirectParameters();
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        try (NDManager scope = manager.newSubManager()) {
            NDList ones = new NDList();
            for (Shape s : inputShapes) {
                ones.add(scope.ones(s));
            }
            return forwardInternal(null, ones, false, null).stream().map(a -> a.getShape()).toArray(Shape[]::new);
        }
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        // the module's weights were loaded with it: nothing to initialise
    }

    /** Writes the module, weights and buffers, as a TorchScript file PyTorch's torch.jit.load reads. */
    void write(OutputStream out) {
        JniUtils.writeModule(module, out, false);
    }

    /**
     * Replaces the module by one written by {@link #write}: the weights and batch-norm statistics
     * of a snapshot. (DJL's loadParameters would keep handing out the old parameter arrays.)
     */
    void replace(byte[] written) {
        PtSymbolBlock fresh;
        try {
            fresh = JniUtils.loadModule(manager, new ByteArrayInputStream(written), true, false);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        boolean frozen = getParameters().values().stream().noneMatch(p -> p.requiresGradient());
        module.close();
        module = fresh;
        training = null;
        setMode(false);
        freezeParameters(frozen);
    }
}
