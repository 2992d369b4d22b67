package advbench.attack;

import advbench.model.Classifier;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;

/**
 * A minimum-norm attack (FMN, DeepFool, Carlini-Wagner L2): per sample it searches the
 * smallest perturbation that fools the model, with no budget, so one search answers every
 * epsilon: a sample is fooled at eps when its minimal norm is at most eps. Bound to a batch
 * ({@link #bind}) it searches once and answers each epsilon of the sweep from that search; alone
 * at one epsilon ({@link #attack}) it searches and answers that epsilon.
 *
 * <p>Every point a search reports is checked again here, by a forward pass of the image itself:
 * one that does not fool the model, leaves the box, or lies farther than reported counts as not
 * found. A clean-misclassified sample has norm 0 (the clean image).
 */
public abstract class MinimumNorm implements Attack {

    /**
     * Per sample of a batch: the smallest adversarial image found (the clean image where none),
     * its distance from the clean image in the attack's norm (+inf where none), and the model's
     * predictions for it and for the clean image.
     */
    public record Found(float[] images, double[] norms, int[] predicted, int[] cleanPredicted) {}

    /** The search itself; each sample's result may depend only on that sample. */
    protected abstract Found search(Classifier model, Batch batch, Goal goal);

    @Override
    public boolean iterative() {
        return true;
    }

    /** The search, its reported points checked (see the class comment). */
    public final Found searchChecked(Classifier model, Batch batch, Goal goal) {
        return check(model, batch, goal, search(model, batch, goal));
    }

    /**
     * A forward pass of the reported images: a point counts only if the model misclassifies it,
     * it lies in [0, 1], and its measured norm is no larger than reported (up to float rounding);
     * its norm is then the measured one.
     */
    Found check(Classifier model, Batch batch, Goal goal, Found found) {
        int n = batch.size();
        int d = batch.pixelsPerImage();
        float[] x = batch.images().toFloatArray();
        int[] now;
        try (NDManager scope = batch.images().getManager().newSubManager()) {
            now = model.predict(scope.create(found.images(), batch.images().getShape()));
        }
        boolean[] fooled = goal.success(now);
        boolean[] cleanFooled = goal.success(found.cleanPredicted());
        float[] images = found.images().clone();
        double[] norms = new double[n];
        int[] predicted = now.clone();
        for (int i = 0; i < n; i++) {
            double measured = norm().distance(images, x, i * d, d);
            boolean inBox = true;
            for (int k = i * d; k < (i + 1) * d && inBox; k++) {
                inBox = images[k] >= 0 && images[k] <= 1;
            }
            if (cleanFooled[i]) {
                norms[i] = 0;
                System.arraycopy(x, i * d, images, i * d, d);
                predicted[i] = found.cleanPredicted()[i];
            } else if (fooled[i] && inBox && measured <= found.norms()[i] * (1 + 1e-6) + 1e-7) {
                norms[i] = measured;
            } else {
                norms[i] = Double.POSITIVE_INFINITY;
                System.arraycopy(x, i * d, images, i * d, d);
                predicted[i] = found.cleanPredicted()[i];
            }
        }
        return new Found(images, norms, predicted, found.cleanPredicted());
    }

    /** The answer at eps for some rows: the found image where its norm is within eps, else the clean image. */
    static Adversarial at(Found found, Batch batch, Goal goal, int[] rows, double eps) {
        return at(found, batch.images().toFloatArray(), batch, goal, rows, eps);
    }

    /** As above, with the batch's clean pixels {@code x} already on the host. */
    static Adversarial at(Found found, float[] x, Batch batch, Goal goal, int[] rows, double eps) {
        int d = batch.pixelsPerImage();
        float[] out = new float[rows.length * d];
        int[] predicted = new int[rows.length];
        for (int j = 0; j < rows.length; j++) {
            int i = rows[j];
            boolean within = found.norms()[i] <= eps;
            System.arraycopy(within ? found.images() : x, i * d, out, j * d, d);
            predicted[j] = within ? found.predicted()[i] : found.cleanPredicted()[i];
        }
        long[] shape = batch.images().getShape().getShape().clone();
        shape[0] = rows.length;
        NDArray images = batch.images().getManager().create(out, new ai.djl.ndarray.types.Shape(shape));
        return Adversarial.of(eps, images, predicted, goal.select(rows));
    }

    @Override
    public Adversarial attack(Classifier model, Batch batch, Goal goal, double eps) {
        Attack.checkEpsilon(name(), eps);
        if (eps == 0) {
            return Attack.unperturbed(model, batch, goal);
        }
        return at(searchChecked(model, batch, goal), batch, goal, Rows.all(batch.size()), eps);
    }

    /**
     * Searches once, on the first epsilon asked for above 0 (or when the minimal norms are asked
     * for), and answers every epsilon from it.
     */
    @Override
    public Bound bind(Classifier model, Batch batch, Goal goal) {
        return new Bound() {
            private Found found;
            private float[] clean;

            private Found found() {
                if (found == null) { // one search and one host copy of the batch for every epsilon of the sweep
                    found = searchChecked(model, batch, goal);
                    clean = batch.images().toFloatArray();
                }
                return found;
            }

            @Override
            public Adversarial at(int[] rows, double eps, int draw) {
                Attack.checkEpsilon(name(), eps);
                if (eps == 0) {
                    try (Batch sub = batch.select(rows)) {
                        return Attack.unperturbed(model, sub, goal.select(rows));
                    }
                }
                return MinimumNorm.at(found(), clean, batch, goal, rows, eps);
            }

            @Override
            public double[] minimalNorms() {
                return found().norms().clone();
            }
        };
    }
}
