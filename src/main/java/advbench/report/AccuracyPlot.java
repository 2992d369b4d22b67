package advbench.report;

import advbench.attack.Norm;
import advbench.eval.Metrics;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Rectangle;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.jfree.chart.ChartFactory;
import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.plot.PlotOrientation;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;
import org.jfree.svg.SVGGraphics2D;

/**
 * Accuracy (%) against epsilon, one series per attack and model, each starting at epsilon 0 with
 * the clean accuracy, and the per-sample worst case over the attacks. Written as PNG for a quick look and SVG for a paper.
 */
public final class AccuracyPlot {
    public static final int WIDTH = 800;
    public static final int HEIGHT = 500;
    /** Okabe-Ito: distinguishable with the common forms of colour blindness. */
    static final List<Color> PALETTE = List.of(new Color(0x0072B2), new Color(0xD55E00), new Color(0x009E73),
            new Color(0xCC79A7), new Color(0xE69F00), new Color(0x56B4E9), new Color(0xF0E442));

    private AccuracyPlot() {}

    /** accuracy_vs_epsilon for L-inf attacks, accuracy_vs_epsilon_l2 for L2 ones. */
    public static String fileName(Norm norm) {
        return norm == Norm.LINF ? "accuracy_vs_epsilon" : "accuracy_vs_epsilon_" + norm.name().toLowerCase(java.util.Locale.ROOT);
    }

    /** A model's metrics under the name its series carry. */
    public record Model(String name, Metrics metrics) {}

    /**
     * The attacks of one norm for each model, plus each model's per-sample worst case (black):
     * one colour per attack, one line style per model (solid for the first, dashed for the next).
     */
    public static JFreeChart chart(String title, List<Model> models, Norm norm) {
        XYSeriesCollection data = new XYSeriesCollection();
        List<Color> paints = new java.util.ArrayList<>();
        List<BasicStroke> strokes = new java.util.ArrayList<>();
        for (int m = 0; m < models.size(); m++) {
            Metrics metrics = models.get(m).metrics();
            String suffix = models.size() > 1 ? " [" + models.get(m).name() + "]" : "";
            int colour = 0;
            List<Metrics.AttackCurve> curves = metrics.attacks().stream().filter(c -> c.norm().equals(norm.label())).toList();
            for (Metrics.AttackCurve curve : curves) {
                data.addSeries(series(curve.attack() + suffix, metrics, curve.points().stream()
                        .map(p -> new double[] {p.epsilon(), p.accuracy()}).toList()));
                paints.add(PALETTE.get(colour++ % PALETTE.size()));
                strokes.add(stroke(m, 2f));
            }
            for (Metrics.WorstCase w : metrics.worstCase()) {
                if (w.norm().equals(norm.label()) && curves.size() > 1) {
                    data.addSeries(series("worst case" + suffix, metrics, w.points().stream()
                            .map(p -> new double[] {p.epsilon(), p.accuracy()}).toList()));
                    paints.add(Color.BLACK);
                    strokes.add(stroke(m, 2.5f));
                }
            }
        }
        String unit = norm == Norm.LINF ? "L-inf, pixel scale 0-1" : "L2, pixel scale 0-1";
        JFreeChart chart = ChartFactory.createXYLineChart(title, "epsilon (perturbation budget, " + unit + ")",
                "test accuracy (%)", data, PlotOrientation.VERTICAL, true, false, false);
        XYPlot plot = chart.getXYPlot();
        plot.setBackgroundPaint(Color.WHITE);
        plot.setDomainGridlinePaint(Color.LIGHT_GRAY);
        plot.setRangeGridlinePaint(Color.LIGHT_GRAY);
        NumberAxis y = (NumberAxis) plot.getRangeAxis();
        y.setRange(0, 100);
        XYLineAndShapeRenderer renderer = new XYLineAndShapeRenderer(true, true);
        for (int i = 0; i < paints.size(); i++) {
            renderer.setSeriesPaint(i, paints.get(i));
            renderer.setSeriesStroke(i, strokes.get(i));
        }
        plot.setRenderer(renderer);
        chart.getTitle().setFont(new Font(Font.SANS_SERIF, Font.BOLD, 16));
        chart.setBackgroundPaint(Color.WHITE);
        return chart;
    }

    /** Accuracy in percent against epsilon, starting at epsilon 0 with the clean accuracy. */
    private static XYSeries series(String name, Metrics metrics, List<double[]> points) {
        XYSeries s = new XYSeries(name);
        s.add(0.0, 100 * metrics.clean().accuracy());
        points.forEach(p -> s.addOrUpdate(p[0], 100 * p[1]));
        return s;
    }

    private static BasicStroke stroke(int model, float width) {
        return model == 0 ? new BasicStroke(width)
                : new BasicStroke(width, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10f, new float[] {8f, 5f}, 0f);
    }

    public static void write(RunFolder folder, String baseName, JFreeChart chart) {
        folder.write(baseName + ".png", out -> ChartUtils.writeChartAsPNG(out, chart, WIDTH, HEIGHT));
        SVGGraphics2D g = new SVGGraphics2D(WIDTH, HEIGHT);
        chart.draw(g, new Rectangle(0, 0, WIDTH, HEIGHT));
        String svg = g.getSVGDocument();
        folder.write(baseName + ".svg", out -> out.write(svg.getBytes(StandardCharsets.UTF_8)));
    }
}
