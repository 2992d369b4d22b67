package advbench;

/**
 * The statistics of counted successes that the workbench states bounds with: Clopper-Pearson
 * confidence bounds of a binomial share (the fast AutoAttack's audit, randomized smoothing's
 * CERTIFY), the two-sided binomial test at p = 1/2 (smoothing's PREDICT), and the standard normal
 * quantile (the certified radius). Through the regularized incomplete beta function, so that a
 * count of 100,000 draws costs a few hundred operations, not a sum over every term.
 */
public final class Binomial {
    private Binomial() {}

    /**
     * The one-sided lower confidence bound of a share with {@code k} successes in {@code n}: the p
     * at which k or more successes have probability {@code alpha}; 0 when k is 0. As {@code
     * proportion_confint(k, n, alpha=2*alpha, method="beta")[0]}, which Cohen et al.'s CERTIFY uses.
     */
    public static double clopperPearsonLower(long k, long n, double alpha) {
        if (k <= 0) {
            return 0.0;
        }
        // P(X >= k | p) = I_p(k, n - k + 1) grows with p
        return solve(p -> regularizedBeta(p, k, n - k + 1) - alpha);
    }

    /** The one-sided upper bound: the p at which k or fewer successes have probability {@code alpha}; 1 when k is n. */
    public static double clopperPearsonUpper(long k, long n, double alpha) {
        if (n == 0 || k >= n) {
            return 1.0;
        }
        // P(X <= k | p) = 1 - I_p(k + 1, n - k) falls as p grows
        return solve(p -> alpha - (1 - regularizedBeta(p, k + 1, n - k)));
    }

    /**
     * The two-sided p-value of {@code a} successes against {@code b} failures under p = 1/2 (what
     * scipy's {@code binom_test(a, a + b, 0.5)} gives): twice the tail beyond the larger count.
     */
    public static double twoSidedHalf(long a, long b) {
        long n = a + b;
        long k = Math.max(a, b);
        if (n == 0 || 2 * k == n) {
            return 1.0;
        }
        return Math.min(1.0, 2 * regularizedBeta(0.5, k, n - k + 1));
    }

    /** The p in (0, 1) where an increasing {@code f} crosses 0, by bisection. */
    private static double solve(java.util.function.DoubleUnaryOperator f) {
        double lo = 0;
        double hi = 1;
        for (int it = 0; it < 100; it++) {
            double mid = (lo + hi) / 2;
            if (f.applyAsDouble(mid) > 0) {
                hi = mid;
            } else {
                lo = mid;
            }
        }
        return (lo + hi) / 2;
    }

    /** I_x(a, b), the regularized incomplete beta function, by Lentz's continued fraction (Numerical Recipes, betai). */
    public static double regularizedBeta(double x, double a, double b) {
        if (x <= 0) {
            return 0;
        }
        if (x >= 1) {
            return 1;
        }
        double front = Math.exp(logGamma(a + b) - logGamma(a) - logGamma(b) + a * Math.log(x) + b * Math.log1p(-x));
        return x < (a + 1) / (a + b + 2) ? front * betaFraction(x, a, b) / a : 1 - front * betaFraction(1 - x, b, a) / b;
    }

    private static double betaFraction(double x, double a, double b) {
        double tiny = 1e-300;
        double c = 1;
        double d = 1 - (a + b) * x / (a + 1);
        d = 1 / (Math.abs(d) < tiny ? tiny : d);
        double h = d;
        for (int m = 1; m <= 10_000; m++) {
            double m2 = 2.0 * m;
            double aa = m * (b - m) * x / ((a + m2 - 1) * (a + m2));
            d = 1 + aa * d;
            d = 1 / (Math.abs(d) < tiny ? tiny : d);
            c = 1 + aa / c;
            c = Math.abs(c) < tiny ? tiny : c;
            h *= d * c;
            aa = -(a + m) * (a + b + m) * x / ((a + m2) * (a + m2 + 1));
            d = 1 + aa * d;
            d = 1 / (Math.abs(d) < tiny ? tiny : d);
            c = 1 + aa / c;
            c = Math.abs(c) < tiny ? tiny : c;
            double delta = d * c;
            h *= delta;
            if (Math.abs(delta - 1) < 1e-15) {
                break;
            }
        }
        return h;
    }

    /** ln Gamma(x) for x > 0 (Lanczos, g = 7, 9 terms: about 15 significant digits). */
    public static double logGamma(double x) {
        if (x < 0.5) {
            return Math.log(Math.PI / Math.abs(Math.sin(Math.PI * x))) - logGamma(1 - x);
        }
        double[] g = {0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059,
            12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7};
        double z = x - 1;
        double sum = g[0];
        for (int i = 1; i < g.length; i++) {
            sum += g[i] / (z + i);
        }
        double t = z + 7.5;
        return 0.5 * Math.log(2 * Math.PI) + (z + 0.5) * Math.log(t) - t + Math.log(sum);
    }

    /** Phi^-1(p), the standard normal quantile, by bisection on the normal CDF through erfc (to about 1e-12). */
    public static double normalQuantile(double p) {
        if (!(p > 0 && p < 1)) {
            throw new IllegalArgumentException("a quantile needs p in (0, 1), got " + p);
        }
        double lo = -40;
        double hi = 40;
        for (int it = 0; it < 200; it++) {
            double mid = (lo + hi) / 2;
            if (normalCdf(mid) < p) {
                lo = mid;
            } else {
                hi = mid;
            }
        }
        return (lo + hi) / 2;
    }

    /** Phi(z) = erfc(-z / sqrt 2) / 2. */
    public static double normalCdf(double z) {
        return 0.5 * erfc(-z / Math.sqrt(2));
    }

    /** erfc by the incomplete gamma function: erfc(x) = Q(1/2, x^2) for x >= 0. */
    static double erfc(double x) {
        return x < 0 ? 2 - upperGammaQ(0.5, x * x) : upperGammaQ(0.5, x * x);
    }

    /** Q(a, x) = Gamma(a, x) / Gamma(a), by its series below a + 1 and its continued fraction above (Numerical Recipes, gammq). */
    private static double upperGammaQ(double a, double x) {
        if (x <= 0) {
            return 1;
        }
        double lnFront = -x + a * Math.log(x) - logGamma(a);
        if (x < a + 1) {
            double sum = 1 / a;
            double term = sum;
            for (int n = 1; n < 10_000; n++) {
                term *= x / (a + n);
                sum += term;
                if (Math.abs(term) < Math.abs(sum) * 1e-16) {
                    break;
                }
            }
            return 1 - sum * Math.exp(lnFront);
        }
        double tiny = 1e-300;
        double b = x + 1 - a;
        double c = 1 / tiny;
        double d = 1 / b;
        double h = d;
        for (int i = 1; i < 10_000; i++) {
            double an = -i * (i - a);
            b += 2;
            d = an * d + b;
            d = 1 / (Math.abs(d) < tiny ? tiny : d);
            c = b + an / c;
            c = Math.abs(c) < tiny ? tiny : c;
            double delta = d * c;
            h *= delta;
            if (Math.abs(delta - 1) < 1e-16) {
                break;
            }
        }
        return Math.exp(lnFront) * h;
    }
}
