package advbench.attack;

import advbench.model.Classifier;
import java.util.ArrayList;
import java.util.List;

/**
 * An evasion attack, in the shape Foolbox 3 made common: given a model, a batch and a list of
 * epsilons, it returns per epsilon the adversarial batch and whether each sample was fooled.
 *
 * <p>Invariants every implementation keeps (and its tests check): {@code |x_adv - x| <= eps} in
 * its norm and {@code 0 <= x_adv <= 1}; eps = 0 returns the input unchanged; the input array is
 * never modified; the model is used in inference mode; a deterministic attack gives a sample the
 * same result alone as inside a batch.
 */
public interface Attack {

    /** Label used in tables, plots and logs, e.g. "FGSM". */
    String name();

    Norm norm();

    /**
     * The adversarial images, one array per epsilon in the order given. Arrays are created in the
     * manager of {@code batch.images()}.
     */
    List<ai.djl.ndarray.NDArray> perturb(Classifier model, Batch batch, List<Double> epsilons);

    /** {@link #perturb} followed by classifying each adversarial batch. */
    default List<Adversarial> run(Classifier model, Batch batch, List<Double> epsilons) {
        List<ai.djl.ndarray.NDArray> perturbed = perturb(model, batch, epsilons);
        List<Adversarial> out = new ArrayList<>(perturbed.size());
        for (int e = 0; e < perturbed.size(); e++) {
            int[] predicted = model.predict(perturbed.get(e));
            boolean[] fooled = new boolean[predicted.length];
            for (int i = 0; i < predicted.length; i++) {
                fooled[i] = predicted[i] != batch.labels()[i];
            }
            out.add(new Adversarial(epsilons.get(e), perturbed.get(e), predicted, fooled));
        }
        return out;
    }

    /** Refuses a negative or non-finite epsilon, naming the attack. */
    static void checkEpsilons(String attack, List<Double> epsilons) {
        for (Double eps : epsilons) {
            if (eps == null || !(eps >= 0) || Double.isInfinite(eps)) {
                throw new IllegalArgumentException(attack + ": epsilon must be a finite number >= 0, got " + eps);
            }
        }
    }
}
