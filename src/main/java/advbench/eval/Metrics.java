package advbench.eval;

import java.util.List;

/**
 * The numbers of a run, in the order they appear in metrics.json. Accuracies and rates are
 * fractions in [0, 1]; nothing here depends on timing, so equal runs give equal metrics.
 */
public record Metrics(int testSamples, Clean clean, List<AttackCurve> attacks) {

    /** Clean test performance; {@code confusionMatrix[true][predicted]}. */
    public record Clean(double accuracy, List<ClassScores> perClass, int[][] confusionMatrix) {}

    public record ClassScores(int label, int support, double precision, double recall, double f1) {}

    public record AttackCurve(String attack, String norm, List<Point> points) {}

    /**
     * One attack at one epsilon.
     *
     * @param successRate fooled samples among those classified correctly when clean
     * @param perClassAccuracy accuracy under attack for each true class
     */
    public record Point(double epsilon, double accuracy, double successRate, double meanLinf, double maxLinf,
                        double meanL2, double[] perClassAccuracy) {}
}
