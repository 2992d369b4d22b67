package advbench.attack;

import ai.djl.ndarray.NDArray;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

/**
 * Runs an attack over a list of epsilons in increasing order. With {@link Sweep#skipDecided},
 * each epsilon attacks only the samples no smaller epsilon fooled; a fooled sample's earlier
 * adversarial image (still admissible, as the ball only grows) and prediction are carried over.
 * Results come back in the order the epsilons were given.
 */
final class EpsilonSweep {
    private EpsilonSweep() {}

    /** The attack at one epsilon on some rows of the batch; returns one result per row, in order. */
    interface AtEpsilon {
        Adversarial attack(int[] rows, double eps);
    }

    static List<Adversarial> run(Batch batch, List<Double> epsilons, boolean skipDecided, AtEpsilon at) {
        int n = batch.size();
        Integer[] order = new Integer[epsilons.size()];
        Arrays.setAll(order, i -> i);
        Arrays.sort(order, Comparator.comparingDouble(epsilons::get));
        Adversarial[] results = new Adversarial[order.length];
        Adversarial previous = null;
        for (int k : order) {
            double eps = epsilons.get(k);
            if (!skipDecided || previous == null) {
                results[k] = at.attack(allRows(n), eps);
            } else {
                results[k] = carryOver(batch, previous, eps, at);
            }
            previous = results[k];
        }
        return List.of(results);
    }

    /** Attacks the samples {@code previous} did not fool and merges them with the ones it did. */
    private static Adversarial carryOver(Batch batch, Adversarial previous, double eps, AtEpsilon at) {
        int n = batch.size();
        List<Integer> open = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            if (!previous.success()[i]) {
                open.add(i);
            }
        }
        int[] rows = open.stream().mapToInt(Integer::intValue).toArray();
        float[] pixels = previous.images().toFloatArray();
        int[] predicted = previous.predicted().clone();
        boolean[] success = previous.success().clone();
        if (rows.length > 0) {
            Adversarial fresh = at.attack(rows, eps);
            float[] freshPixels = fresh.images().toFloatArray();
            int d = pixels.length / n;
            for (int j = 0; j < rows.length; j++) {
                System.arraycopy(freshPixels, j * d, pixels, rows[j] * d, d);
                predicted[rows[j]] = fresh.predicted()[j];
                success[rows[j]] = fresh.success()[j];
            }
            fresh.images().close();
        }
        NDArray images = batch.images().getManager().create(pixels, batch.images().getShape());
        return new Adversarial(eps, images, predicted, previous.targets(), success, rows.length);
    }

    static int[] allRows(int n) {
        int[] rows = new int[n];
        Arrays.setAll(rows, i -> i);
        return rows;
    }
}
