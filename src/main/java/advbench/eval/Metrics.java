package advbench.eval;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;

/**
 * The numbers of a run, in the order they appear in metrics.json. Accuracies and rates are
 * fractions in [0, 1]; nothing here depends on timing, so equal runs give equal metrics.
 */
public record Metrics(int testSamples, Clean clean, List<AttackCurve> attacks, List<WorstCase> worstCase,
                      GradientCheck gradientCheck, List<String> warnings, List<Indicator> indicators, List<Certified> certified,
                      List<Smoothed> smoothing) {

    public Metrics(int testSamples, Clean clean, List<AttackCurve> attacks, List<WorstCase> worstCase, GradientCheck gradientCheck,
                   List<String> warnings) {
        this(testSamples, clean, attacks, worstCase, gradientCheck, warnings, null, null, null);
    }

    /** The same metrics with the indicators of attack failure measured for the model. */
    public Metrics withIndicators(List<Indicator> measured) {
        return new Metrics(testSamples, clean, attacks, worstCase, gradientCheck, warnings, measured, certified, smoothing);
    }

    /**
     * The same metrics with the model's certificates (null: none of that kind), and {@code more}
     * warnings (a sample both certified and fooled, above all).
     */
    public Metrics withCertificates(List<Certified> bounds, List<Smoothed> smoothed, List<String> more) {
        List<String> all = new java.util.ArrayList<>(warnings);
        all.addAll(more);
        return new Metrics(testSamples, clean, attacks, worstCase, gradientCheck, List.copyOf(all), indicators, bounds, smoothed);
    }

    /**
     * Certified robust accuracy at each epsilon (IBP or CROWN-IBP): the share of the test samples
     * no perturbation in the ball can fool, a lower bound of the robust accuracy, next to the worst
     * attack's, an upper bound.
     *
     * @param method the bound method's label
     */
    public record Certified(String method, String norm, List<CertifiedPoint> points) {}

    /**
     * @param accuracy the certified share of the test samples
     * @param worstAttack the worst case over the attacks of the norm at this epsilon, or null when none ran there
     * @param gap worst attack minus certified: the band the true robust accuracy lies in
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record CertifiedPoint(double epsilon, double accuracy, Double worstAttack, Double gap) {}

    /**
     * Randomized smoothing (Cohen et al. 2019) at one sigma, on the first {@code samples} test
     * samples: the smoothed classifier's own accuracy (PREDICT, abstentions counted wrong) and
     * abstention rate, and its certified accuracy against the L2 radius (CERTIFY). These describe
     * the smoothed classifier, not the base model the attacks ran on.
     *
     * @param certifiedAccuracy CERTIFY's share of correct, non-abstained answers: the certified accuracy at radius 0
     * @param certifyAbstained CERTIFY's abstentions (pA's lower bound below 1/2)
     * @param medianRadius the median certified radius of the samples certified correct, or null when none was
     * @param curve certified accuracy against the L2 radius, as the corners [radius, accuracy] of a step function:
     *     from each corner on, until the next, the accuracy is the corner's
     * @param atRadii [radius, certified accuracy] at 0, 0.25, 0.5, ... (Cohen et al.'s table)
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Smoothed(double sigma, int n0, int n, double alpha, int samples, double cleanAccuracy, double abstained,
                           double certifiedAccuracy, double certifyAbstained, Double medianRadius, List<double[]> curve,
                           List<double[]> atRadii) {}

    /**
     * One indicator of attack failure (see {@code advbench.indicators.FailureIndicators}).
     *
     * @param attack the attack it is about, or null when it is about the model or all attacks
     * @param epsilon where it was measured (for the sweep-wide ones, where the value is worst), or null
     * @param samples test indices of (up to 20 of) the samples involved
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Indicator(String name, String attack, Double epsilon, double value, double threshold, boolean triggered,
                            List<Integer> samples) {}

    /** Clean test performance; {@code confusionMatrix[true][predicted]}. */
    public record Clean(double accuracy, List<ClassScores> perClass, int[][] confusionMatrix) {}

    public record ClassScores(int label, int support, double precision, double recall, double f1) {}

    /**
     * @param target how targets were chosen, or null when untargeted
     * @param cost forward and backward passes the whole sweep took, per test sample
     * @param minimalNorms for a minimum-norm attack, its norms' distribution and continuous curve; null otherwise
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record AttackCurve(String attack, String norm, String target, List<Point> points, Cost cost, MinimalNorms minimalNorms) {

        public AttackCurve(String attack, String norm, String target, List<Point> points, Cost cost) {
            this(attack, norm, target, points, cost, null);
        }
    }

    /**
     * A minimum-norm attack's smallest fooling perturbations, over the samples classified
     * correctly when clean (see {@link MinimalNormStats}).
     *
     * @param samples how many samples the distribution is over
     * @param q1 first quartile, median, third quartile: null where it falls among samples never fooled
     * @param notFoundShare share of those samples the attack never fooled
     * @param curve accuracy (of all test samples) against epsilon as the corners [epsilon, accuracy] of a
     *     step function: from each corner on, until the next, the accuracy is the corner's
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record MinimalNorms(int samples, Double q1, Double median, Double q3, double notFoundShare, List<double[]> curve) {}

    /**
     * Passes of images through the model, per test sample, over an attack's whole sweep
     * (deterministic, unlike time): the attack's own, and the forward passes that classified its
     * results again before they were counted (null in runs made before the re-check).
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Cost(double forwardPerSample, double backwardPerSample, Double recheckForwardPerSample) {}

    /**
     * One attack at one epsilon.
     *
     * @param successRate fooled samples among those classified correctly when clean
     * @param targetedSuccessRate for a targeted attack, the share of attacked samples (those with a
     *     target other than their label) now predicted as their target; null otherwise
     * @param meanLinf mean perturbation size over all samples, counting a sample carried over from a
     *     smaller epsilon (sweep shortcut skip_decided) with the perturbation that fooled it there
     * @param attacked samples actually attacked at this epsilon: all of them, unless skip_decided
     *     left out those a smaller epsilon had already fooled
     * @param recheckDisagreements samples whose attacked image the model classified otherwise than
     *     the attack reported, counted as not fooled (null in runs made before the re-check)
     * @param perClassAccuracy accuracy under attack for each true class
     * @param stages for an ensemble, the accuracy after each of its stages (the last is {@code accuracy}); null otherwise
     * @param audit for the fast AutoAttack, what its audit found; null otherwise
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Point(double epsilon, double accuracy, double successRate, Double targetedSuccessRate,
                        double meanLinf, double maxLinf, double meanL2, int attacked, Integer recheckDisagreements,
                        double[] perClassAccuracy, List<Stage> stages, Audit audit) {

        public Point(double epsilon, double accuracy, double successRate, Double targetedSuccessRate, double meanLinf, double maxLinf,
                     double meanL2, int attacked, Integer recheckDisagreements, double[] perClassAccuracy, List<Stage> stages) {
            this(epsilon, accuracy, successRate, targetedSuccessRate, meanLinf, maxLinf, meanL2, attacked, recheckDisagreements,
                    perClassAccuracy, stages, null);
        }
    }

    /**
     * An ensemble's accuracy after one of its stages: "clean", then each attack. For an attack,
     * the samples that entered it still robust and left it still robust, and the images it passed
     * forward and backward, summed over the test set (wall times are in the log and the manifest,
     * as metrics.json holds only reproducible numbers); null in runs made before they were recorded.
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Stage(String stage, double accuracy, Integer entered, Integer left, Long forward, Long backward) {

        public Stage(String stage, double accuracy) {
            this(stage, accuracy, null, null, null, null);
        }
    }

    /**
     * The fast AutoAttack's audit at one epsilon (see {@code FastAudit}): of the samples robust after
     * its fast stages, how many the skipped stages were run on and fooled, in all and in each part
     * (the nearest, by smallest clean margin; the random one, from the others), how many of those a
     * gradient-free stage fooled, the one-sided 95% upper bound on the share of the others the full
     * ensemble would fool, and whether the audit escalated to the full ensemble (then the accuracy
     * is the full ensemble's).
     */
    public record Audit(int robustAfterFast, int audited, int fooled, int nearest, int nearestFooled, int random, int randomFooled,
                        int randomFrom, int byGradientFree, int tolerance, double upperBound, boolean escalated) {}

    /**
     * Per norm and epsilon, the share of samples classified correctly when clean and under every
     * attack of that norm run at that epsilon or any smaller one (a perturbation admissible at a
     * smaller epsilon is admissible here); per sample, not the minimum of the accuracies.
     */
    public record WorstCase(String norm, List<WorstPoint> points) {}

    public record WorstPoint(double epsilon, double accuracy, List<String> attacks) {}

    /** Shares of test samples whose clean input gradient is all zero, or not finite. */
    public record GradientCheck(double zeroShare, double nonFiniteShare) {}
}
