package advbench.model;

import advbench.UserError;
import advbench.data.DataShape;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Probe forwards that check a network from outside against the data before a run relies on it:
 * a few random images must give one finite logit vector per image with one entry per class, the
 * same twice (dropout off), and the same alone as in a batch (batch norm on running statistics);
 * a network declared randomised is spared those two and only warned about if it is not random.
 * What is wrong is a one-line {@link UserError}; outputs that look like probabilities are only a
 * warning, since such a model can be right but masks gradients.
 */
final class OutputCheck {
    private OutputCheck() {}

    static final int PROBES = 4;

    private static final String PROBABILITIES = "warning: the model's outputs look like probabilities (each row is in [0, 1] and sums"
            + " to 1): a softmax at the end masks gradients and makes gradient attacks look weaker than they are; export the logits";

    /** Returns the warnings; throws on anything that would make the run's numbers wrong. */
    static List<String> check(Classifier classifier) {
        return check(classifier, false);
    }

    static List<String> check(Classifier classifier, boolean randomised) {
        DataShape shape = classifier.shape();
        List<String> warnings = new ArrayList<>();
        try (NDManager scope = classifier.manager().newSubManager()) {
            float[] pixels = new float[PROBES * shape.pixelsPerImage()];
            Random random = new Random(0);
            for (int i = 0; i < pixels.length; i++) {
                pixels[i] = random.nextFloat();
            }
            NDArray batch = scope.create(pixels, new Shape(PROBES, shape.channels(), shape.height(), shape.width()));
            float[] first = logits(classifier, scope, batch, shape);
            float[] again = logits(classifier, scope, batch, shape);
            boolean differ = maxDifference(first, again, 0, first.length) > 1e-5 * (1 + maxAbs(first));
            if (randomised) {
                if (!differ) {
                    warnings.add("warning: the model is declared randomised, but two forwards of the same images gave the same outputs");
                }
                if (looksLikeProbabilities(first, shape.classes())) {
                    warnings.add(PROBABILITIES);
                }
                return warnings; // alone or in a batch, a random network gives other outputs anyway
            }
            if (differ) {
                throw new UserError("gives different outputs for the same images twice: dropout (or another random layer) is active;"
                        + " export the model after model.eval() (torch.jit.trace keeps the mode it was traced in), or, if the"
                        + " randomness is the defence, declare it with randomised: true in the model section");
            }
            float[] alone;
            try {
                alone = logits(classifier, scope, batch.get("0:1"), shape);
            } catch (UserError e) {
                throw new UserError("takes a batch of images but fails on a single one (batch norm in training mode?): " + e.getMessage());
            }
            if (maxDifference(first, alone, 0, alone.length) > 1e-4 * (1 + maxAbs(first))) {
                throw new UserError("gives an image another output alone than in a batch: batch norm uses the batch's statistics;"
                        + " export the model after model.eval() (torch.jit.trace keeps the mode it was traced in)");
            }
            if (looksLikeProbabilities(first, shape.classes())) {
                warnings.add(PROBABILITIES);
            }
        }
        return warnings;
    }

    /** Logits of {@code x} in inference mode, checked for shape and finiteness. */
    private static float[] logits(Classifier classifier, NDManager scope, NDArray x, DataShape shape) {
        long n = x.getShape().get(0);
        NDList out;
        try {
            out = classifier.djlModel().getBlock().forward(new ParameterStore(scope, false), new NDList(x), false);
        } catch (UserError e) {
            throw e;
        } catch (RuntimeException e) {
            throw new UserError("cannot take " + shape.describeImage() + " images (channels x height x width): "
                    + TorchScriptBlock.reason(e));
        }
        if (out.size() != 1) {
            throw new UserError("returns " + out.size() + " tensors (a tuple?) where one tensor of logits, images x classes, is needed;"
                    + " export a module whose forward returns the logits only");
        }
        Shape s = out.get(0).getShape();
        if (s.dimension() != 2 || s.get(0) != n) {
            throw new UserError("gives outputs of shape " + s + " for " + n + " images; a classifier gives one vector of logits per image, ("
                    + n + ", " + shape.classes() + ")");
        }
        if (s.get(1) != shape.classes()) {
            throw new UserError("gives " + s.get(1) + " outputs per image, but the data has " + shape.classes() + " classes");
        }
        float[] values = out.get(0).toType(ai.djl.ndarray.types.DataType.FLOAT32, false).toFloatArray();
        for (float v : values) {
            if (!Float.isFinite(v)) {
                throw new UserError("gives non-finite outputs (" + v + ") for images in [0, 1]");
            }
        }
        return values;
    }

    /** Every row in [0, 1] and summing to 1: what a final softmax gives. */
    static boolean looksLikeProbabilities(float[] rows, int classes) {
        for (int r = 0; r < rows.length / classes; r++) {
            double sum = 0;
            for (int c = 0; c < classes; c++) {
                float v = rows[r * classes + c];
                if (v < 0 || v > 1) {
                    return false;
                }
                sum += v;
            }
            if (Math.abs(sum - 1) > 1e-3) {
                return false;
            }
        }
        return true;
    }

    private static double maxDifference(float[] a, float[] b, int from, int to) {
        double max = 0;
        for (int i = from; i < to; i++) {
            max = Math.max(max, Math.abs(a[i] - b[i]));
        }
        return max;
    }

    private static double maxAbs(float[] a) {
        double max = 0;
        for (float v : a) {
            max = Math.max(max, Math.abs(v));
        }
        return max;
    }

}
