package advbench.report;

import advbench.data.DataShape;
import advbench.eval.Metrics;
import java.util.ArrayList;
import java.util.List;

/**
 * metrics.csv and metrics_per_class.csv: the numbers of metrics.json as tidy tables, one row per
 * observation, each row carrying the run's identity (experiment, run id, seed, config SHA-256),
 * so that the files of many runs concatenate into one pandas or R table
 * ({@code pd.concat(map(pd.read_csv, glob("results/*}{@code /*}{@code /metrics.csv")))}).
 *
 * <p>metrics.csv: one row per model, attack and epsilon, with fixed columns; the clean accuracy
 * is the row of attack {@code clean}, and the per-sample worst case over a norm's attacks the rows
 * of attack {@code worst case}, which carry only the accuracy. metrics_per_class.csv: one row per
 * model, attack, epsilon and class. Numbers are written in full (Java's shortest exact form),
 * not rounded, so the tables hold exactly the numbers of metrics.json.
 */
public final class MetricsCsv {
    public static final String FILE = "metrics.csv";
    public static final String PER_CLASS_FILE = "metrics_per_class.csv";
    static final String IDENTITY = "experiment,run_id,seed,config_sha256";
    static final String COLUMNS = IDENTITY + ",model,attack,norm,target,epsilon,accuracy,success_rate,targeted_success_rate,"
            + "mean_linf,max_linf,mean_l2,attacked";
    static final String PER_CLASS_COLUMNS = IDENTITY + ",model,attack,norm,epsilon,class,class_name,support,accuracy,"
            + "precision,recall,f1";

    private MetricsCsv() {}

    /** Who made the rows: the run's identity, repeated on every row. */
    public record Identity(String experiment, String runId, int seed, String configSha256) {
        String cells() {
            return String.join(",", quote(experiment), quote(runId), Integer.toString(seed), configSha256);
        }
    }

    public static String metrics(Identity run, List<ModelRun> models) {
        StringBuilder sb = new StringBuilder(COLUMNS).append('\n');
        for (ModelRun m : models) {
            Metrics metrics = m.metrics();
            String prefix = run.cells() + "," + quote(m.label()) + ",";
            String zero = number(0);
            row(sb, prefix + "clean,,," + zero, metrics.clean().accuracy(), zero, "", zero, zero, zero,
                    Integer.toString(metrics.testSamples()));
            for (Metrics.AttackCurve curve : metrics.attacks()) {
                for (Metrics.Point p : curve.points()) {
                    row(sb, prefix + quote(curve.attack()) + "," + curve.norm() + "," + quote(curve.target() == null ? "" : curve.target())
                                    + "," + number(p.epsilon()), p.accuracy(), number(p.successRate()),
                            p.targetedSuccessRate() == null ? "" : number(p.targetedSuccessRate()), number(p.meanLinf()),
                            number(p.maxLinf()), number(p.meanL2()), Integer.toString(p.attacked()));
                }
            }
            for (Metrics.WorstCase w : metrics.worstCase()) {
                for (Metrics.WorstPoint p : w.points()) {
                    row(sb, prefix + "worst case," + w.norm() + ",," + number(p.epsilon()), p.accuracy(), "", "", "", "", "", "");
                }
            }
            // certificates: a lower bound per epsilon; smoothing's certified accuracy at each table radius (the L2 radius in the epsilon column)
            for (Metrics.Certified c : metrics.certified() == null ? List.<Metrics.Certified>of() : metrics.certified()) {
                for (Metrics.CertifiedPoint p : c.points()) {
                    row(sb, prefix + quote("certified (" + c.method() + ")") + "," + c.norm() + ",," + number(p.epsilon()), p.accuracy(),
                            "", "", "", "", "", "");
                }
            }
            for (Metrics.Smoothed sm : metrics.smoothing() == null ? List.<Metrics.Smoothed>of() : metrics.smoothing()) {
                for (double[] r : sm.atRadii()) {
                    row(sb, prefix + quote(smoothingLabel(sm.sigma())) + ",L2,," + number(r[0]), r[1], "", "", "", "", "",
                            Integer.toString(sm.samples()));
                }
            }
        }
        return sb.toString();
    }

    /** How smoothing at {@code sigma} is named in tables and figures. */
    public static String smoothingLabel(double sigma) {
        return "smoothed, sigma " + sigma;
    }

    public static String perClass(Identity run, DataShape shape, List<ModelRun> models) {
        StringBuilder sb = new StringBuilder(PER_CLASS_COLUMNS).append('\n');
        for (ModelRun m : models) {
            Metrics metrics = m.metrics();
            String prefix = run.cells() + "," + quote(m.label()) + ",";
            List<Metrics.ClassScores> scores = metrics.clean().perClass();
            for (Metrics.ClassScores c : scores) {
                sb.append(prefix).append("clean,,").append(number(0)).append(',').append(classCells(shape, c.label(), c.support()))
                        .append(',').append(number(c.recall())).append(',').append(number(c.precision())).append(',')
                        .append(number(c.recall())).append(',').append(number(c.f1())).append('\n');
            }
            for (Metrics.AttackCurve curve : metrics.attacks()) {
                for (Metrics.Point p : curve.points()) {
                    double[] accuracy = p.perClassAccuracy();
                    for (int c = 0; c < accuracy.length; c++) {
                        sb.append(prefix).append(quote(curve.attack())).append(',').append(curve.norm()).append(',')
                                .append(number(p.epsilon())).append(',').append(classCells(shape, c, scores.get(c).support()))
                                .append(',').append(number(accuracy[c])).append(",,,\n");
                    }
                }
            }
        }
        return sb.toString();
    }

    private static String classCells(DataShape shape, int c, int support) {
        return c + "," + quote(shape.className(c)) + "," + support;
    }

    private static void row(StringBuilder sb, String head, double accuracy, String... rest) {
        List<String> cells = new ArrayList<>(List.of(head, number(accuracy)));
        cells.addAll(List.of(rest));
        sb.append(String.join(",", cells)).append('\n');
    }

    static String number(double v) {
        return Double.toString(v);
    }

    static String quote(String s) {
        return s.contains(",") || s.contains("\"") || s.contains("\n") ? "\"" + s.replace("\"", "\"\"") + "\"" : s;
    }
}
