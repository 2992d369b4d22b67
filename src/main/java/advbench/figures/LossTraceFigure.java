package advbench.figures;

import advbench.eval.LossTrace;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.geom.Line2D;
import java.awt.geom.Rectangle2D;
import java.util.Locale;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.LegendItem;
import org.jfree.chart.LegendItemCollection;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.chart.title.TextTitle;
import org.jfree.chart.ui.RectangleInsets;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;

/**
 * One traced attack run, as the incomplete-optimisation indicator reads it: for each sample no
 * iterate fooled, the running best of its loss rescaled to [0, 1] over the iterates. Traces still
 * rising over the last iterates (more steps would have helped) are drawn in the warning colour,
 * settled ones in grey; the legend counts both.
 */
final class LossTraceFigure {
    static final Color SETTLED = new Color(0x80, 0x80, 0x80, 90);
    static final Color RISING = FigureStyle.WRONG;

    private LossTraceFigure() {}

    /** Samples no iterate fooled: the ones the figure draws. */
    static int unfooled(LossTrace trace) {
        int n = 0;
        for (int s = 0; s < trace.samples().length; s++) {
            n += trace.everSucceeded(s) ? 0 : 1;
        }
        return n;
    }

    static JFreeChart chart(LossTrace trace, FigureStyle style) {
        XYSeriesCollection dataset = new XYSeriesCollection();
        XYLineAndShapeRenderer renderer = new XYLineAndShapeRenderer(true, false);
        int rising = 0;
        int settled = 0;
        // settled first, so the rising traces are drawn on top
        for (boolean drawRising : new boolean[] {false, true}) {
            for (int s = 0; s < trace.samples().length; s++) {
                if (trace.everSucceeded(s) || LossTrace.stillRising(trace.loss()[s]) != drawRising) {
                    continue;
                }
                XYSeries series = new XYSeries("sample " + trace.samples()[s], false, true);
                double[] best = LossTrace.rescaledBest(trace.loss()[s]);
                for (int t = 0; t < best.length; t++) {
                    series.add(t, best[t]);
                }
                int k = dataset.getSeriesCount();
                dataset.addSeries(series);
                renderer.setSeriesPaint(k, drawRising ? RISING : SETTLED);
                renderer.setSeriesStroke(k, FigureStyle.thin(drawRising ? 0.9 : 0.6));
                if (drawRising) {
                    rising++;
                } else {
                    settled++;
                }
            }
        }
        NumberAxis x = new NumberAxis("iterate");
        x.setStandardTickUnits(NumberAxis.createIntegerTickUnits(Locale.ROOT));
        NumberAxis y = new NumberAxis("best loss so far (rescaled)");
        y.setRange(-0.03, 1.03);
        AccuracyFigure.styleAxes(style, x, y);
        XYPlot plot = new XYPlot(dataset, x, y, renderer);
        plot.setBackgroundPaint(Color.WHITE);
        plot.setOutlineVisible(false);
        plot.setDomainGridlinePaint(FigureStyle.GRID_LINES);
        plot.setRangeGridlinePaint(FigureStyle.GRID_LINES);
        plot.setInsets(new RectangleInsets(2, 2, 2, 4));
        LegendItemCollection items = new LegendItemCollection();
        items.add(item(String.format(Locale.ROOT, "still rising over the last %d iterates: %d", LossTrace.LAST_VALUES, rising), RISING));
        items.add(item("settled: " + settled, SETTLED));
        plot.setFixedLegendItems(items);

        JFreeChart chart = AccuracyFigure.chartWithLegendBelow(plot, style);
        String title = style.hasTitle() ? style.title()
                : String.format(Locale.ROOT, "%s, eps %s: %d samples never fooled", trace.attack(), trace.epsilon(), rising + settled);
        TextTitle t = new TextTitle(title, style.smallFont());
        t.setPaint(FigureStyle.TEXT);
        chart.setTitle(t);
        return chart;
    }

    private static LegendItem item(String label, Color colour) {
        BasicStroke stroke = FigureStyle.thin(1.5);
        return new LegendItem(label, null, null, null, false, new Rectangle2D.Double(), true, colour, false, colour, stroke, true,
                new Line2D.Double(-7, 0, 7, 0), stroke, colour);
    }
}
