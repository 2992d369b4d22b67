package advbench.certify;

import advbench.eval.Metrics;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** The numbers of metrics.json from certificates: certified accuracy beside the worst attack, and smoothing's curve. */
public final class CertificateMetrics {
    private CertificateMetrics() {}

    /** Radii of Cohen et al.'s tables, up to the largest any sample was certified at. */
    static final double RADIUS_STEP = 0.25;

    /** Certified accuracy per epsilon next to the worst case over the L-inf attacks at that epsilon (when one ran there). */
    public static Metrics.Certified bounds(CertifiedOutcome c, List<Metrics.WorstCase> worstCase) {
        Metrics.WorstCase linf = worstCase.stream().filter(w -> w.norm().equals("L-inf")).findFirst().orElse(null);
        List<Metrics.CertifiedPoint> points = new ArrayList<>();
        for (int k = 0; k < c.epsilons().size(); k++) {
            double eps = c.epsilons().get(k);
            double certified = c.accuracy(k);
            Double worst = linf == null ? null : linf.points().stream().filter(p -> Math.abs(p.epsilon() - eps) < 1e-12)
                    .map(Metrics.WorstPoint::accuracy).findFirst().orElse(null);
            points.add(new Metrics.CertifiedPoint(eps, certified, worst, worst == null ? null : worst - certified));
        }
        return new Metrics.Certified(c.method(), "L-inf", List.copyOf(points));
    }

    /** Smoothing's accuracies and its certified-accuracy curve over the L2 radius. */
    public static Metrics.Smoothed smoothing(SmoothedOutcome s) {
        int n = s.count();
        int predictCorrect = 0;
        int predictAbstained = 0;
        int certifyAbstained = 0;
        List<Double> radii = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            Smoothing.Result r = s.results()[i];
            predictCorrect += r.predicted() == s.labels()[i] ? 1 : 0;
            predictAbstained += r.predicted() < 0 ? 1 : 0;
            certifyAbstained += r.certified() < 0 ? 1 : 0;
            if (s.certifiedCorrect(i)) {
                radii.add(r.radius());
            }
        }
        double[] sorted = radii.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        List<double[]> curve = new ArrayList<>();
        curve.add(new double[] {0, share(sorted, 0, n)});
        for (int j = 0; j < sorted.length; j++) {
            if (j + 1 < sorted.length && sorted[j + 1] == sorted[j]) {
                continue; // one corner per distinct radius
            }
            curve.add(new double[] {sorted[j], (double) (sorted.length - j - 1) / Math.max(n, 1)});
        }
        List<double[]> atRadii = new ArrayList<>();
        double largest = sorted.length == 0 ? 0 : sorted[sorted.length - 1];
        for (double r = 0; r <= largest + RADIUS_STEP; r += RADIUS_STEP) {
            atRadii.add(new double[] {r, share(sorted, r, n)});
        }
        Double median = sorted.length == 0 ? null : sorted.length % 2 == 1 ? sorted[sorted.length / 2]
                : (sorted[sorted.length / 2 - 1] + sorted[sorted.length / 2]) / 2;
        Smoothing.Settings set = s.settings();
        return new Metrics.Smoothed(set.sigma(), set.n0(), set.n(), set.alpha(), n, fraction(predictCorrect, n), fraction(predictAbstained, n),
                fraction(sorted.length, n), fraction(certifyAbstained, n), median, List.copyOf(curve), List.copyOf(atRadii));
    }

    /** The share of all n samples certified correct at radius r or more. */
    static double share(double[] sortedRadii, double r, int n) {
        int from = Arrays.binarySearch(sortedRadii, r);
        if (from < 0) {
            from = -from - 1;
        } else {
            while (from > 0 && sortedRadii[from - 1] == r) {
                from--;
            }
        }
        return fraction(sortedRadii.length - from, n);
    }

    private static double fraction(int k, int n) {
        return n == 0 ? 0 : (double) k / n;
    }
}
