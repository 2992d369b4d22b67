package advbench.attack;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
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
        int[] rows = Rows.where(Rows.not(previous.success()));
        int[] predicted = previous.predicted().clone();
        boolean[] success = previous.success().clone();
        if (rows.length == 0) {
            return new Adversarial(eps, previous.images().duplicate(), predicted, previous.targets(), success, 0);
        }
        Adversarial fresh = at.attack(rows, eps);
        // merged row i = previous row i, or fresh row j for the j-th open sample; gathered on the
        // device from [previous; fresh], so no batch of images makes a round trip through the host
        long[] from = new long[n];
        Arrays.setAll(from, i -> i);
        for (int j = 0; j < rows.length; j++) {
            from[rows[j]] = n + j;
            predicted[rows[j]] = fresh.predicted()[j];
            success[rows[j]] = fresh.success()[j];
        }
        NDManager owner = batch.images().getManager();
        NDArray images;
        try (NDManager scope = owner.newSubManager()) {
            NDArray both = previous.images().concat(fresh.images());
            both.attach(scope);
            images = both.get(scope.create(from));
            images.attach(owner);
        }
        fresh.images().close();
        return new Adversarial(eps, images, predicted, previous.targets(), success, rows.length);
    }

    static int[] allRows(int n) {
        int[] rows = new int[n];
        Arrays.setAll(rows, i -> i);
        return rows;
    }
}
