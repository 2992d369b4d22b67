package advbench.certify;

import advbench.Progress;
import advbench.RunLog;
import advbench.bounds.BoundMethod;
import advbench.bounds.BoundedNetwork;
import advbench.data.LabeledImages;
import advbench.model.Classifier;
import advbench.model.ImageBatch;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.util.ArrayList;
import java.util.List;

/**
 * Certifies a model over the test set: certified bounds (IBP, CROWN-IBP) at each L-inf epsilon,
 * and randomized smoothing at each sigma, in batches, each batch in its own NDManager scope.
 */
public final class Certifier {
    private final RunLog log;

    public Certifier(RunLog log) {
        this.log = log;
    }

    /** {@code method}'s certificates at each of {@code epsilons}; the model must be {@link BoundedNetwork#boundable}. */
    public CertifiedOutcome bounds(Classifier model, LabeledImages test, BoundMethod method, List<Double> epsilons, int batchSize) {
        int n = test.count();
        List<boolean[]> certified = new ArrayList<>();
        for (int e = 0; e < epsilons.size(); e++) {
            certified.add(new boolean[n]);
        }
        BoundedNetwork network = BoundedNetwork.of(model);
        long start = System.nanoTime();
        try (Progress bar = log.progress(method.label() + " bounds", (long) n * epsilons.size(), "img")) {
            // CROWN-IBP's coefficients grow with the network: at most BoundedNetwork.CHUNK images at a time
            int chunk = Math.min(batchSize, BoundedNetwork.CHUNK);
            for (int from = 0; from < n; from += chunk) {
                int to = Math.min(n, from + chunk);
                int[] labels = test.labelRange(from, to);
                for (int e = 0; e < epsilons.size(); e++) {
                    try (NDManager scope = model.manager().newSubManager()) {
                        NDArray x = ImageBatch.of(scope, test, from, to);
                        boolean[] c = BoundedNetwork.certified(network.marginLowerBounds(x, epsilons.get(e), labels, method), labels);
                        System.arraycopy(c, 0, certified.get(e), from, c.length);
                    }
                    bar.advance(to - from);
                }
            }
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        CertifiedOutcome out = new CertifiedOutcome(method.label(), List.copyOf(epsilons), certified, seconds, epsilons.size());
        StringBuilder line = new StringBuilder(String.format(java.util.Locale.ROOT, "%s bounds: %d epsilons x %d samples in %.1f s;"
                + " certified:", method.label(), epsilons.size(), n, seconds));
        for (int e = 0; e < epsilons.size(); e++) {
            line.append(String.format(java.util.Locale.ROOT, " eps %s: %.2f%%", epsilons.get(e), 100 * out.accuracy(e)));
        }
        log.info(line.toString());
        return out;
    }

    /** Randomized smoothing's CERTIFY and PREDICT on the first {@code samples} test images. */
    public SmoothedOutcome smoothing(Classifier model, LabeledImages test, Smoothing smoothing, int samples) {
        LabeledImages some = test.first(Math.min(samples, test.count()));
        int n = some.count();
        Smoothing.Settings s = smoothing.settings();
        Smoothing.Result[] results = new Smoothing.Result[n];
        long forward0 = model.passes().forward();
        long start = System.nanoTime();
        // a few samples per group: each sample's n0 + 2n draws already fill many forward passes
        int group = Math.max(1, Math.min(10, s.batchSize() / Smoothing.BLOCK));
        try (Progress bar = log.progress(String.format(java.util.Locale.ROOT, "smoothing, sigma %s", s.sigma()), n, "img")) {
            for (int from = 0; from < n; from += group) {
                int to = Math.min(n, from + group);
                try (NDManager scope = model.manager().newSubManager()) {
                    NDArray x = ImageBatch.of(scope, some, from, to);
                    int[] ids = advbench.eval.Evaluator.range(from, to);
                    System.arraycopy(smoothing.run(model, x, ids), 0, results, from, to - from);
                }
                bar.advance(to - from);
            }
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        SmoothedOutcome out = new SmoothedOutcome(s, some.labels().clone(), results, seconds, model.passes().forward() - forward0);
        log.info(String.format(java.util.Locale.ROOT, "smoothing at sigma %s: %d samples x (%d + 2 x %d) draws in %.1f s (%d forward passes)",
                s.sigma(), n, s.n0(), s.n(), seconds, out.forwardPasses()));
        return out;
    }
}
