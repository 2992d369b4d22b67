package advbench.attack;

import advbench.model.Classifier;
import java.util.List;

/**
 * An evasion attack, in the shape Foolbox 3 made common: given a model, a batch and a list of
 * epsilons, it returns per epsilon the adversarial batch and whether each sample was fooled.
 *
 * <p>Invariants every implementation keeps (and its tests check): {@code |x_adv - x| <= eps} in
 * its norm and {@code 0 <= x_adv <= 1}; eps = 0 returns the input unchanged; the input array is
 * never modified; the model is used in inference mode; with the same seed the result is the
 * same, and a sample gets the same result alone as inside a batch.
 */
public interface Attack {

    /** Label used in tables, plots and logs, e.g. "PGD-40". */
    String name();

    Norm norm();

    /** Whether it takes several gradient steps (then it should be at least as strong as FGSM). */
    default boolean iterative() {
        return false;
    }

    /** Null when untargeted. */
    default Target target() {
        return null;
    }

    /**
     * One result per epsilon, in the order given, every sample attacked at every epsilon.
     * Arrays are created in the manager of {@code batch.images()}.
     */
    default List<Adversarial> run(Classifier model, Batch batch, List<Double> epsilons) {
        return run(model, batch, epsilons, Sweep.EXHAUSTIVE);
    }

    /** As {@link #run(Classifier, Batch, List)}, saving the work {@code sweep} allows. */
    List<Adversarial> run(Classifier model, Batch batch, List<Double> epsilons, Sweep sweep);

    /** Refuses a negative or non-finite epsilon, naming the attack. */
    static void checkEpsilons(String attack, List<Double> epsilons) {
        for (Double eps : epsilons) {
            if (eps == null || !(eps >= 0) || Double.isInfinite(eps)) {
                throw new IllegalArgumentException(attack + ": epsilon must be a finite number >= 0, got " + eps);
            }
        }
    }

    /** The per-sample targets of a targeted attack, or null. */
    static int[] targets(Target target, Classifier model, Batch batch) {
        return target == null ? null : target.choose(model, batch);
    }
}
