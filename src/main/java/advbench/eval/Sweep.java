package advbench.eval;

/**
 * How an accuracy sweep may save work. Both shortcuts leave every sample's worst case unchanged:
 *
 * <ul>
 *   <li>{@code skipDecided}: epsilons are attacked in increasing order, and a sample already
 *       fooled at a smaller epsilon is not attacked again: that perturbation is still admissible
 *       at every larger epsilon, so it is carried over as the sample's result there.</li>
 *   <li>{@code earlyStop}: inside an iterative attack a sample stops being updated (and stops
 *       costing gradients) at its first successful iterate, which is kept; a later restart only
 *       runs on samples no earlier restart fooled.</li>
 * </ul>
 *
 * Without them every sample is attacked at every epsilon, every step and every restart, and the
 * first successful iterate is still the one kept.
 */
public record Sweep(boolean skipDecided, boolean earlyStop) {
    public static final Sweep EXHAUSTIVE = new Sweep(false, false);
    public static final Sweep FAST = new Sweep(true, true);
}
