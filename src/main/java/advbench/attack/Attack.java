package advbench.attack;

import advbench.model.Classifier;
import ai.djl.ndarray.NDArray;

/**
 * An evasion attack, in the shape Foolbox 3 made common: it attacks one batch at one epsilon. The
 * sweep over epsilons, its shortcuts and the bookkeeping of restarts belong to one sweeper
 * ({@code eval.EpsilonSweeper}), as AutoAttack's runner owns its robust flags; an attack only says
 * how many restarts it wants and may share work across the epsilons of one batch ({@link #bind}).
 *
 * <p>Invariants every implementation keeps (and {@code AttackContractTest} checks for every
 * registered attack): {@code |x_adv - x| <= eps} in its norm and {@code 0 <= x_adv <= 1}; eps = 0
 * returns the input unchanged; the input array is never modified; the model is used in inference
 * mode; with the same seed the result is the same, and a sample gets the same result alone as
 * inside a batch.
 *
 * <p>To add an attack: one file here with the attack and its {@link AttackSpec} record, and one
 * line in {@link Attacks}. A minimum-norm attack (no budget; the smallest perturbation per
 * sample) extends {@link MinimumNorm} and writes only its search.
 */
public interface Attack {

    /** Label used in tables, plots and logs, e.g. "PGD-40". */
    String name();

    Norm norm();

    /** Whether it takes several gradient steps (then it should be at least as strong as FGSM). */
    default boolean iterative() {
        return false;
    }

    /** Whether it uses no gradient (a random search): then it also tells whether gradient attacks were misled. */
    default boolean gradientFree() {
        return false;
    }

    /** How targets are chosen; null when untargeted. */
    default Target target() {
        return null;
    }

    /** For an ensemble, the names of the stages {@link Adversarial#stages} counts; null for a single attack. */
    default java.util.List<String> stages() {
        return null;
    }

    /**
     * What a traced run of this attack follows (see {@link Traceable}): the attack itself when it
     * can be traced, an ensemble's first traceable member, or null.
     */
    default Traceable traced() {
        return this instanceof Traceable t ? t : null;
    }

    /**
     * Whether this attack's first pass is the batch's clean pass (see {@link Batch#cleanPass}), so
     * that the evaluator should compute that pass where this attack can reuse it.
     */
    default boolean reusesCleanPass() {
        return false;
    }

    /** Whether one search answers every epsilon with a minimal norm per sample (see {@link MinimumNorm}). */
    default boolean minimumNorm() {
        return this instanceof MinimumNorm;
    }

    /** Runs from fresh random draws; the sweeper keeps each sample's first success. */
    default int restarts() {
        return 1;
    }

    /**
     * One run at one epsilon: adversarial images (in the manager of {@code batch.images()}), the
     * model's predictions for them and whether each reached the goal. Randomised attacks draw from
     * {@code batch.draw()}.
     */
    Adversarial attack(Classifier model, Batch batch, Goal goal, double eps);

    /** The attack bound to one batch, to be run at several epsilons on rows of it. */
    interface Bound extends AutoCloseable {
        /** A run at {@code eps} on some rows of the batch (increasing indices), from random draw {@code draw}. */
        Adversarial at(int[] rows, double eps, int draw);

        /** A minimum-norm attack's per-sample minimal norms over the whole batch (+inf where none); null for others. */
        default double[] minimalNorms() {
            return null;
        }

        @Override
        default void close() {}
    }

    /**
     * This attack bound to one batch for a sweep over epsilons. The default runs {@link #attack}
     * afresh on the requested rows at each epsilon; FGSM overrides it to take its one gradient
     * here and share it across epsilons.
     */
    default Bound bind(Classifier model, Batch batch, Goal goal) {
        return (rows, eps, draw) -> {
            try (Batch sub = batch.select(rows)) {
                return attack(model, sub.withDraw(draw), goal.select(rows), eps);
            }
        };
    }

    /** Refuses a negative or non-finite epsilon, naming the attack. */
    static void checkEpsilon(String attack, double eps) {
        if (!(eps >= 0) || Double.isInfinite(eps)) {
            throw new IllegalArgumentException(attack + ": epsilon must be a finite number >= 0, got " + eps);
        }
    }

    /** Epsilon 0: the input itself (a copy) and the model's prediction of it. */
    static Adversarial unperturbed(Classifier model, Batch batch, Goal goal) {
        NDArray x = batch.images().duplicate();
        return Adversarial.of(0, x, model.predict(x), goal);
    }
}
