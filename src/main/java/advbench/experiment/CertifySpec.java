package advbench.experiment;

import advbench.SpecException;
import advbench.attack.Norm;
import advbench.attack.ParamChecks;
import advbench.bounds.BoundMethod;
import java.util.List;

/**
 * The {@code certify} section: certified lower bounds beside the attacks' upper bounds.
 *
 * @param bounds {@code ibp} or {@code crown-ibp}: certified bounds of a network built here over L-inf
 *     balls, at {@code epsilons} (default: the experiment's), or null for none
 * @param norm the norm of the bounds' balls: only {@code linf} (IBP and CROWN-IBP here bound L-inf
 *     balls; an L2 certificate is randomized smoothing's)
 * @param batchSize images per bounded pass (CROWN-IBP's backward pass holds a coefficient per
 *     class and value of each layer: 100 by default)
 * @param smoothing randomized smoothing, for any model, in L2; null for none
 */
public record CertifySpec(String bounds, String norm, List<Double> epsilons, Integer batchSize, SmoothingSpec smoothing) {

    public CertifySpec {
        if (bounds == null && smoothing == null) {
            throw new SpecException("bounds", "give bounds (ibp or crown-ibp), smoothing, or both");
        }
        if (bounds != null && !List.of("ibp", "crown-ibp").contains(bounds)) {
            throw new SpecException("bounds", "unknown bound method '" + bounds + "'; expected ibp or crown-ibp");
        }
        if (norm != null && !norm.equals("linf")) {
            throw new SpecException("norm", "IBP and CROWN-IBP bound L-inf balls here, not " + norm
                    + "; for an L2 certificate use smoothing (randomized smoothing certifies L2 radii)");
        }
        if (bounds == null && (norm != null || epsilons != null || batchSize != null)) {
            throw new SpecException(norm != null ? "norm" : epsilons != null ? "epsilons" : "batch_size",
                    "is a setting of bounds, which this section does not ask for");
        }
        if (bounds != null) {
            norm = "linf";
            epsilons = epsilons == null ? null : ParamChecks.epsilons(epsilons, Norm.LINF, "epsilons");
            batchSize = SpecException.between(batchSize == null ? 100 : batchSize, 1, SpecException.MAX_BATCH, "batch_size");
        }
    }

    public BoundMethod boundMethod() {
        return bounds == null ? null : BoundMethod.parse(bounds);
    }

    /** The epsilons the bounds are computed at: the section's own, else the experiment's. */
    public List<Double> epsilonsOr(List<Double> experiment) {
        return epsilons != null ? epsilons : experiment;
    }

    /**
     * Randomized smoothing (Cohen et al. 2019).
     *
     * @param sigma the noise's standard deviations, in pixels of [0, 1]: one certification each
     * @param n0 selection draws per sample (100, as published)
     * @param n estimation draws per sample, and PREDICT's (10,000 by default; the paper's 100,000
     *     certifies larger radii at ten times the cost)
     * @param alpha the failure probability of each certificate (0.001, as published)
     * @param samples the first this many test images (500, as Cohen et al. certify)
     * @param batchSize noisy images per forward pass
     */
    public record SmoothingSpec(List<Double> sigma, Integer n0, Integer n, Double alpha, Integer samples, Integer batchSize) {
        public SmoothingSpec {
            SpecException.require(sigma, "sigma");
            if (sigma.isEmpty()) {
                throw new SpecException("sigma", "list at least one noise level");
            }
            for (int i = 0; i < sigma.size(); i++) {
                Double s = sigma.get(i);
                if (s == null || !(s > 0) || s > 100) {
                    throw new SpecException("sigma[" + i + "]", "the noise's standard deviation must be positive (and at most 100), got " + s);
                }
            }
            sigma = List.copyOf(sigma);
            n0 = SpecException.between(n0 == null ? 100 : n0, 1, 10_000_000, "n0");
            n = SpecException.between(n == null ? 10_000 : n, 1, 10_000_000, "n");
            if (n0 > n) {
                throw new SpecException("n0", "the selection draws (n0 = " + n0 + ") must not exceed the estimation draws (n = " + n + ")");
            }
            alpha = alpha == null ? 0.001 : alpha;
            if (!(alpha > 0 && alpha < 1)) {
                throw new SpecException("alpha", "the failure probability must be in (0, 1), got " + alpha);
            }
            samples = SpecException.between(samples == null ? 500 : samples, 1, 10_000_000, "samples");
            batchSize = SpecException.between(batchSize == null ? 1000 : batchSize, 1, SpecException.MAX_BATCH, "batch_size");
        }
    }
}
