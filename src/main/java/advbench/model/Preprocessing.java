package advbench.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.List;

/**
 * Per-channel normalisation, {@code (x - mean) / std}, applied inside the classifier: attacks,
 * epsilons, the box [0, 1] and the example grids all stay on the pixel scale, while the network
 * sees the inputs it was trained on. (Attacking normalised inputs with pixel-scale epsilons is
 * the mistake users of attack libraries report most.)
 *
 * @param mean one value per channel
 * @param std one positive value per channel
 */
public record Preprocessing(List<Double> mean, List<Double> std) {

    public Preprocessing {
        mean = List.copyOf(mean);
        std = List.copyOf(std);
        if (mean.size() != std.size()) {
            throw new IllegalArgumentException("mean has " + mean.size() + " values but std has " + std.size());
        }
    }

    public int channels() {
        return mean.size();
    }

    /** {@code (x - mean) / std} for NCHW images; the result belongs to the manager of {@code x}. */
    public NDArray apply(NDArray x) {
        NDManager m = x.getManager();
        Shape perChannel = new Shape(1, channels(), 1, 1);
        try (NDArray mu = m.create(floats(mean), perChannel); NDArray sigma = m.create(floats(std), perChannel)) {
            return x.sub(mu).div(sigma);
        }
    }

    private static float[] floats(List<Double> values) {
        float[] f = new float[values.size()];
        for (int i = 0; i < f.length; i++) {
            f[i] = values.get(i).floatValue();
        }
        return f;
    }
}
