package advbench.figures;

import java.awt.Color;
import java.awt.geom.Line2D;
import java.util.List;
import java.util.Locale;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.LegendItem;
import org.jfree.chart.LegendItemCollection;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.axis.NumberTickUnit;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.XYStepRenderer;
import org.jfree.chart.ui.RectangleInsets;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;

/**
 * Randomized smoothing's certified accuracy against the L2 radius (Cohen et al.'s figure): a step
 * curve per model and sigma, the model's colour, a dash per sigma. Its own figure, not a line of
 * the accuracy figure: it certifies the smoothed classifier, not the model the attacks ran on.
 */
final class SmoothingFigure {
    private SmoothingFigure() {}

    static JFreeChart chart(List<RunData.ModelResult> models, FigureStyle style) {
        XYSeriesCollection dataset = new XYSeriesCollection();
        XYStepRenderer renderer = new XYStepRenderer();
        renderer.setDefaultShapesVisible(false);
        LegendItemCollection legend = new LegendItemCollection();
        double right = 0;
        for (RunData.ModelResult m : models) {
            for (RunData.Smoothed s : m.smoothing()) {
                right = Math.max(right, s.corners().get(s.corners().size() - 1)[0]);
            }
        }
        right = Math.max(right * 1.08, 0.5);
        for (int mi = 0; mi < models.size(); mi++) {
            RunData.ModelResult m = models.get(mi);
            for (int si = 0; si < m.smoothing().size(); si++) {
                RunData.Smoothed s = m.smoothing().get(si);
                String label = String.format(Locale.ROOT, "%s, \u03c3 = %s", m.name(), s.sigma());
                XYSeries series = new XYSeries(label, false, true);
                int stride = Math.max(1, (s.corners().size() + AccuracyFigure.DRAWN_CORNERS - 1) / AccuracyFigure.DRAWN_CORNERS);
                for (int c = 0; c < s.corners().size(); c += stride) {
                    series.add(s.corners().get(c)[0], 100 * s.corners().get(c)[1]);
                }
                double[] last = s.corners().get(s.corners().size() - 1);
                series.add(last[0], 100 * last[1]);
                series.add(right, 100 * last[1]);
                int index = dataset.getSeriesCount();
                dataset.addSeries(series);
                Color colour = FigureStyle.colour(mi);
                renderer.setSeriesPaint(index, colour);
                renderer.setSeriesStroke(index, FigureStyle.line(si, false));
                LegendItem item = new LegendItem(label, null, null, null, false, new java.awt.geom.Rectangle2D.Double(), true, colour,
                        false, colour, FigureStyle.line(si, false), true, new Line2D.Double(-8, 0, 8, 0), FigureStyle.line(si, false), colour);
                legend.add(item);
            }
        }
        NumberAxis x = new NumberAxis("L2 radius (pixel scale 0\u20131)");
        x.setRange(0, right);
        NumberAxis y = new NumberAxis("certified accuracy (%)");
        y.setRange(-3, 103);
        y.setTickUnit(new NumberTickUnit(20));
        AccuracyFigure.styleAxes(style, x, y);
        x.setStandardTickUnits(NumberAxis.createStandardTickUnits(Locale.ROOT));
        XYPlot plot = new XYPlot(dataset, x, y, renderer);
        plot.setBackgroundPaint(Color.WHITE);
        plot.setOutlineVisible(false);
        plot.setDomainGridlinePaint(FigureStyle.GRID_LINES);
        plot.setRangeGridlinePaint(FigureStyle.GRID_LINES);
        plot.setInsets(new RectangleInsets(2, 2, 2, 4));
        plot.setFixedLegendItems(legend);
        return AccuracyFigure.chartWithLegendBelow(plot, style);
    }
}
