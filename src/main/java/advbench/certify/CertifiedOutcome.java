package advbench.certify;

import java.util.List;

/**
 * Which test samples a bound method certified at each L-inf epsilon: robust to every perturbation
 * in the ball (intersected with [0, 1]), whatever the attack.
 *
 * @param method the method's label (IBP, CROWN-IBP)
 * @param certified per epsilon, per test sample
 * @param boundPasses bounded passes per sample over all epsilons (each about two forward passes; CROWN-IBP's
 *     backward pass costs about as much again per class)
 */
public record CertifiedOutcome(String method, List<Double> epsilons, List<boolean[]> certified, double seconds, double boundPasses) {

    /** The share of the test samples certified at the k-th epsilon. */
    public double accuracy(int k) {
        boolean[] c = certified.get(k);
        int count = 0;
        for (boolean b : c) {
            count += b ? 1 : 0;
        }
        return c.length == 0 ? 0 : (double) count / c.length;
    }
}
