package advbench.train;

/**
 * The schedule of training with certified bounds (Gowal et al. 2018; Zhang et al. 2020, whose
 * MNIST configuration this follows): {@code warmup} epochs of natural training, then epsilon
 * growing linearly, batch by batch, over {@code ramp} epochs to its value; as it grows, the
 * natural loss's weight kappa falls from 1 to {@code finalKappa}, and CROWN-IBP's weight beta in
 * the bound (for crown-ibp) from 1 to {@code finalBeta}, both in step with epsilon.
 *
 * @param epsilon the training budget (L-inf, pixel scale)
 */
public record VerifiedSchedule(double epsilon, int warmup, int ramp, double finalKappa, double finalBeta) {

    /** Epsilon after {@code progress} epochs (fractional: batches count). */
    public double epsilonAt(double progress) {
        return epsilon * Math.max(0, Math.min(1, (progress - warmup) / ramp));
    }

    public double kappaAt(double progress) {
        return 1 - epsilonAt(progress) / epsilon * (1 - finalKappa);
    }

    public double betaAt(double progress) {
        return 1 - epsilonAt(progress) / epsilon * (1 - finalBeta);
    }
}
