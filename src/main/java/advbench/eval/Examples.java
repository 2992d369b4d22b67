package advbench.eval;

import advbench.attack.Norm;
import advbench.data.LabeledImages;
import java.util.List;

/**
 * The first few test samples as the evaluation saw them, for the adversarial example grid: clean,
 * and under every attack at every epsilon of its sweep, with the model's prediction and its
 * softmax confidence. Taken from the sweep itself, so the grid shows exactly what was measured.
 */
public record Examples(LabeledImages samples, Shot clean, List<Row> rows) {

    /** Images of every sample, one after another, with what the model made of them. */
    public record Shot(float[] pixels, int[] predicted, float[] confidence) {}

    public record Row(String attack, Norm norm, double epsilon, Shot images) {}
}
