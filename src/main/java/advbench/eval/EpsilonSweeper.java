package advbench.eval;

import advbench.attack.Adversarial;
import advbench.attack.Attack;
import advbench.attack.Batch;
import advbench.attack.Goal;
import advbench.attack.Rows;
import advbench.model.Classifier;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

/**
 * Runs one attack on one batch over a list of epsilons: the only place that knows about sweeps,
 * as AutoAttack's runner is the only place that keeps its robust flags. It chooses the targets,
 * attacks in increasing epsilon, runs the attack's restarts (each from a new random draw, a sample
 * keeping its first success), and with {@link Sweep#skipDecided} attacks at each epsilon only the
 * samples no smaller epsilon fooled, carrying a fooled sample's earlier adversarial image (still
 * admissible, as the ball only grows) and prediction over. Results come back in the order the
 * epsilons were given.
 *
 * <p>No result is taken on the attack's word: before a sample counts as fooled or robust, each
 * epsilon's final images are classified again, one forward pass of the batch, as AutoAttack's
 * runner classifies what its attacks return. Where the model's class for the image is not the
 * one the attack reported, the sample counts as not fooled: it goes back to its clean image and
 * the class the model gives that, and the disagreement is counted.
 */
public final class EpsilonSweeper {
    private EpsilonSweeper() {}

    /**
     * The results at each epsilon and, for a minimum-norm attack, each sample's minimal norm
     * (+inf where none was found; null for any other attack); per epsilon, the samples the
     * re-check found reported otherwise than the model classifies their image, and the images
     * the re-check passed forward.
     */
    public record Swept(List<Adversarial> perEpsilon, double[] minimalNorms, List<boolean[]> disagreed, long recheckForward) {}

    public static List<Adversarial> run(Attack attack, Classifier model, Batch batch, List<Double> epsilons, Sweep sweep) {
        return sweep(attack, model, batch, epsilons, sweep).perEpsilon();
    }

    public static Swept sweep(Attack attack, Classifier model, Batch batch, List<Double> epsilons, Sweep sweep) {
        epsilons.forEach(eps -> Attack.checkEpsilon(attack.name(), eps == null ? Double.NaN : eps));
        int[] targets = attack.target() == null ? null : attack.target().choose(model, batch);
        Goal goal = new Goal(batch.labels(), targets, sweep.earlyStop());
        Integer[] order = new Integer[epsilons.size()];
        Arrays.setAll(order, i -> i);
        Arrays.sort(order, Comparator.comparingDouble(epsilons::get));
        Adversarial[] results = new Adversarial[order.length];
        boolean[][] disagreed = new boolean[order.length][];
        long passes = 0;
        try (Attack.Bound bound = attack.bind(model, batch, goal)) {
            Adversarial previous = null;
            for (int k : order) {
                double eps = epsilons.get(k);
                int[] open = sweep.skipDecided() && previous != null ? Rows.where(Rows.not(previous.success())) : Rows.all(batch.size());
                Adversarial fresh = open.length == 0 ? null : restarts(attack, bound, open, eps, sweep.earlyStop());
                // only the rows attacked at this epsilon: a carried row keeps the image re-checked at its own epsilon
                long before = model.passes().forward();
                Rechecked checked = fresh == null ? null : recheck(model, batch, goal, open, fresh);
                passes += model.passes().forward() - before;
                Adversarial result = checked == null ? null : checked.result();
                results[k] = previous == null || open.length == batch.size() ? result : merge(previous, open, result, eps);
                disagreed[k] = new boolean[batch.size()];
                for (int j = 0; checked != null && j < open.length; j++) {
                    disagreed[k][open[j]] = checked.disagreed()[j];
                }
                previous = results[k];
            }
            return new Swept(List.of(results), bound.minimalNorms(), List.of(disagreed), passes);
        }
    }

    /** A result after its re-check, and the samples the attack had reported otherwise than the model classifies them. */
    record Rechecked(Adversarial result, boolean[] disagreed) {}

    /**
     * The attack's result on the batch's {@code rows} with every image classified again: where the
     * model's class differs from the reported one, the sample is put back at its clean image, with
     * the class the model gives that (so it counts as not fooled, as a clean-correct sample is not).
     * The result is {@code claimed} itself when the model agrees everywhere; the disagreements are
     * per row of {@code claimed}.
     */
    static Rechecked recheck(Classifier model, Batch batch, Goal goal, int[] rows, Adversarial claimed) {
        int[] seen = model.predict(claimed.images());
        boolean[] disagreed = differs(seen, claimed.predicted());
        int[] wrong = Rows.where(disagreed);
        if (wrong.length == 0) {
            return new Rechecked(claimed, disagreed);
        }
        int[] wrongRows = Rows.pick(rows, wrong);
        NDArray cleanRows;
        try (NDArray index = batch.images().getManager().create(Rows.toLong(wrongRows))) {
            cleanRows = batch.images().get(index);
        }
        int[] cleanSeen = model.predict(cleanRows);
        Goal sub = goal.select(wrongRows);
        boolean[] cleanSuccess = sub.success(cleanSeen);
        int[] stages = new int[wrong.length];
        Arrays.setAll(stages, j -> cleanSuccess[j] ? 0 : -1);
        Adversarial clean = new Adversarial(claimed.epsilon(), cleanRows, cleanSeen, claimed.targets() == null ? null
                : Rows.pick(claimed.targets(), wrong), cleanSuccess, 0, claimed.stages() == null ? null : stages);
        Adversarial fixed = replace(claimed, wrong, clean, Rows.all(wrong.length), claimed.epsilon(), claimed.attacked());
        claimed.images().close();
        return new Rechecked(fixed, disagreed);
    }

    private static boolean[] differs(int[] a, int[] b) {
        boolean[] d = new boolean[a.length];
        for (int i = 0; i < a.length; i++) {
            d[i] = a[i] != b[i];
        }
        return d;
    }


    /**
     * The attack's restarts at one epsilon on some rows: each sample keeps its first success; a
     * sample never fooled ends with the last restart's result. With earlyStop a restart runs only
     * on the samples no earlier restart fooled. At epsilon 0 nothing can move, so one run is all.
     */
    private static Adversarial restarts(Attack attack, Attack.Bound bound, int[] rows, double eps, boolean earlyStop) {
        Adversarial best = bound.at(rows, eps, 0);
        int runs = eps == 0 ? 1 : attack.restarts();
        for (int r = 1; r < runs; r++) {
            int[] todo = earlyStop ? Rows.where(Rows.not(best.success())) : Rows.all(rows.length);
            if (todo.length == 0) {
                break;
            }
            Adversarial next = bound.at(Rows.pick(rows, todo), eps, r);
            // samples already fooled keep their result; the others take this restart's
            int[] open = Rows.where(Rows.not(best.success()));
            int[] fromNext = Rows.where(Rows.not(Rows.pick(best.success(), todo)));
            Adversarial merged = replace(best, open, next, fromNext, eps, best.attacked());
            best.images().close();
            best = merged;
        }
        return best;
    }

    /** Merges the samples {@code previous} did not fool, attacked afresh, with the ones it did. */
    private static Adversarial merge(Adversarial previous, int[] open, Adversarial fresh, double eps) {
        if (fresh == null) {
            return new Adversarial(eps, previous.images().duplicate(), previous.predicted().clone(), previous.targets(),
                    previous.success().clone(), 0, previous.stages() == null ? null : previous.stages().clone());
        }
        return replace(previous, open, fresh, Rows.all(open.length), eps, open.length);
    }

    /**
     * {@code base} with its rows {@code at} replaced by rows {@code from} of {@code other}: images
     * gathered on the device from [base; other], so no batch of images makes a round trip through
     * the host. Targets are the base's (the sweep chose them once for the batch).
     */
    private static Adversarial replace(Adversarial base, int[] at, Adversarial other, int[] from, double eps, int attacked) {
        int n = base.predicted().length;
        int[] predicted = base.predicted().clone();
        boolean[] success = base.success().clone();
        int[] stages = base.stages() == null ? null : base.stages().clone();
        long[] source = new long[n];
        Arrays.setAll(source, i -> i);
        for (int j = 0; j < at.length; j++) {
            source[at[j]] = n + from[j];
            predicted[at[j]] = other.predicted()[from[j]];
            success[at[j]] = other.success()[from[j]];
            if (stages != null && other.stages() != null) {
                stages[at[j]] = other.stages()[from[j]];
            }
        }
        NDManager owner = base.images().getManager();
        NDArray images;
        try (NDManager scope = owner.newSubManager()) {
            NDArray both = base.images().concat(other.images());
            both.attach(scope);
            images = both.get(scope.create(source));
            images.attach(owner);
        }
        other.images().close();
        return new Adversarial(eps, images, predicted, base.targets(), success, attacked, stages);
    }
}
