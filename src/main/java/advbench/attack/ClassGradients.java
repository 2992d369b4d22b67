package advbench.attack;

import advbench.model.Classifier;
import advbench.model.CrossEntropy;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

/**
 * Input gradients of several logits per image (a part of the Jacobian), for the attacks that
 * linearise every candidate class's boundary (untargeted FAB, DeepFool): one forward and backward
 * pass over the images repeated once per chosen class, copy c differentiating its class's logit.
 * The libraries take one backward pass per class; one pass over the repeated batch does the same
 * arithmetic in a single call.
 */
final class ClassGradients {
    private final float[] gradients;
    private final float[] logits;
    private final int perImage;
    private final int classes;
    private final int d;

    private ClassGradients(float[] gradients, float[] logits, int perImage, int classes, int d) {
        this.gradients = gradients;
        this.logits = logits;
        this.perImage = perImage;
        this.classes = classes;
        this.d = d;
    }

    /**
     * @param pixels images, row-major, {@code d} values each
     * @param rows the rows of {@code pixels} to take
     * @param chosen per taken row, the classes whose logits are differentiated (the same count for every row)
     * @param like an array of images whose manager and shape (but for the count) the pass uses
     */
    static ClassGradients of(Classifier model, NDArray like, float[] pixels, int[] rows, int d, int[][] chosen) {
        int m = rows.length;
        int k = chosen[0].length;
        int classes = model.shape().classes();
        float[] repeated = new float[m * k * d];
        int[] copyClass = new int[m * k];
        for (int j = 0; j < m; j++) {
            for (int c = 0; c < k; c++) {
                System.arraycopy(pixels, rows[j] * d, repeated, (j * k + c) * d, d);
                copyClass[j * k + c] = chosen[j][c];
            }
        }
        long[] shape = like.getShape().getShape().clone();
        shape[0] = (long) m * k;
        try (NDManager scope = like.getManager().newSubManager()) {
            NDArray at = scope.create(repeated, new Shape(shape));
            Classifier.Gradient g = model.gradientOf(at, z -> z.mul(CrossEntropy.oneHot(z.getManager(), copyClass, classes)).sum());
            g.gradient().attach(scope);
            g.logits().attach(scope);
            return new ClassGradients(g.gradient().toFloatArray(), g.logits().toFloatArray(), k, classes, d);
        }
    }

    /** Entry e of the gradient of the c-th chosen logit of taken row j. */
    float gradient(int j, int c, int e) {
        return gradients[(j * perImage + c) * d + e];
    }

    /** Logit of class {@code cls} for taken row j. */
    float logit(int j, int cls) {
        return logits[(j * perImage) * classes + cls];
    }
}
