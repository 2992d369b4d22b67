package advbench.figures;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Paint;
import java.awt.Shape;
import java.awt.geom.Line2D;
import java.awt.geom.Rectangle2D;
import java.util.List;
import java.util.Locale;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.LegendItem;
import org.jfree.chart.LegendItemCollection;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.axis.NumberTickUnit;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.DeviationRenderer;
import org.jfree.chart.title.LegendTitle;
import org.jfree.chart.title.TextTitle;
import org.jfree.chart.ui.HorizontalAlignment;
import org.jfree.chart.ui.RectangleEdge;
import org.jfree.chart.ui.RectangleInsets;
import org.jfree.chart.renderer.xy.XYStepRenderer;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;
import org.jfree.data.xy.YIntervalSeries;
import org.jfree.data.xy.YIntervalSeriesCollection;

/**
 * Accuracy (%) against epsilon for a paper: one colour per model or run, one marker and dash per
 * attack, the mean of a configuration's seeds with a shaded band, no title unless asked, and the
 * legend below the plot so that it never covers a point. The legend lists colours and styles
 * separately (models, then attacks), which stays short however many combinations are drawn.
 */
public final class AccuracyFigure {
    private AccuracyFigure() {}

    /** What the band around a mean shows. */
    public enum Band {
        MINMAX("min-max"), STD("\u00b11 s.d.");

        final String label;

        Band(String label) {
            this.label = label;
        }
    }

    public static JFreeChart chart(AccuracyData data, FigureStyle style, Band band) {
        YIntervalSeriesCollection dataset = new YIntervalSeriesCollection();
        DeviationRenderer renderer = new DeviationRenderer(true, true);
        renderer.setAlpha(0.18f);
        int worst = data.attacks().indexOf(AccuracyData.WORST_CASE);
        for (int i = 0; i < data.lines().size(); i++) {
            AccuracyData.Line line = data.lines().get(i);
            YIntervalSeries series = new YIntervalSeries(data.models().get(line.model()) + " / " + data.attacks().get(line.attack()));
            for (AccuracyData.Stat p : line.points()) {
                double low = band == Band.STD ? Math.max(0, p.mean() - p.std()) : p.min();
                double high = band == Band.STD ? Math.min(100, p.mean() + p.std()) : p.max();
                series.add(p.epsilon(), p.mean(), low, high);
            }
            dataset.addSeries(series);
            Color colour = FigureStyle.colour(line.model());
            boolean isWorst = line.attack() == worst;
            renderer.setSeriesPaint(i, colour);
            renderer.setSeriesFillPaint(i, colour);
            renderer.setSeriesStroke(i, stroke(data, line.attack(), isWorst));
            renderer.setSeriesShape(i, FigureStyle.marker(line.attack(), isWorst));
            renderer.setSeriesShapesVisible(i, !isWorst);
            if (data.hasSteps(line.attack())) { // the step curve is this attack's line; its sweep points sit on it
                renderer.setSeriesLinesVisible(i, false);
            }
        }

        NumberAxis x = new NumberAxis(epsilonLabel(data.norm()));
        double maxEps = data.epsilons().isEmpty() ? 1 : data.epsilons().get(data.epsilons().size() - 1);
        double pad = maxEps * 0.03;
        x.setRange(-pad, maxEps + pad);
        NumberAxis y = new NumberAxis("accuracy (%)");
        y.setRange(-3, 103); // room for markers at 0 and 100 %
        y.setTickUnit(new NumberTickUnit(20));
        styleAxes(style, x, y);
        x.setStandardTickUnits(NumberAxis.createStandardTickUnits(Locale.ROOT));

        XYPlot plot = new XYPlot(dataset, x, y, renderer);
        addSteps(plot, data, maxEps + pad);
        addCertifiedBand(plot, data);
        plot.setBackgroundPaint(Color.WHITE);
        plot.setOutlineVisible(false);
        plot.setDomainGridlinePaint(FigureStyle.GRID_LINES);
        plot.setRangeGridlinePaint(FigureStyle.GRID_LINES);
        plot.setDomainGridlineStroke(FigureStyle.thin(0.4));
        plot.setRangeGridlineStroke(FigureStyle.thin(0.4));
        plot.setAxisOffset(new RectangleInsets(2, 2, 2, 2));
        plot.setInsets(new RectangleInsets(2, 2, 2, 4));
        plot.setFixedLegendItems(legend(data, style, band));

        JFreeChart chart = chartWithLegendBelow(plot, style);
        if (style.hasTitle()) {
            TextTitle title = new TextTitle(style.title(), style.titleFont());
            title.setPaint(FigureStyle.TEXT);
            chart.setTitle(title);
        }
        return chart;
    }

    /**
     * Minimum-norm attacks' continuous curves as step functions, in the model's colour and the
     * attack's dash, each held at its last accuracy to the right edge of the plot.
     */
    static final int DRAWN_CORNERS = 300;

    private static void addSteps(XYPlot plot, AccuracyData data, double right) {
        if (data.steps().isEmpty()) {
            return;
        }
        XYSeriesCollection steps = new XYSeriesCollection();
        XYStepRenderer renderer = new XYStepRenderer();
        renderer.setDefaultShapesVisible(false);
        for (int i = 0; i < data.steps().size(); i++) {
            AccuracyData.Steps s = data.steps().get(i);
            XYSeries series = new XYSeries(data.models().get(s.model()) + " / " + data.attacks().get(s.attack()) + " (continuous)", false, true);
            // a one-column figure has a few hundred pixels across: every k-th corner draws the same curve,
            // and an SVG of thousands of step segments runs to megabytes
            int stride = Math.max(1, (s.corners().size() + DRAWN_CORNERS - 1) / DRAWN_CORNERS);
            for (int c = 0; c < s.corners().size(); c += stride) {
                series.add(s.corners().get(c)[0], s.corners().get(c)[1]);
            }
            double[] last = s.corners().get(s.corners().size() - 1);
            if ((s.corners().size() - 1) % stride != 0) {
                series.add(last[0], last[1]);
            }
            if (last[0] < right) {
                series.add(right, last[1]);
            }
            steps.addSeries(series);
            renderer.setSeriesPaint(i, FigureStyle.colour(s.model()));
            renderer.setSeriesStroke(i, FigureStyle.line(s.attack(), false));
        }
        plot.setDataset(1, steps);
        plot.setRenderer(1, renderer);
    }

    private static BasicStroke stroke(AccuracyData data, int attack, boolean isWorst) {
        return AccuracyData.isCertified(data.attacks().get(attack)) ? FigureStyle.certifiedLine() : FigureStyle.line(attack, isWorst);
    }

    /**
     * The band the true robust accuracy lies in, per model: from the certified line (a lower bound)
     * up to the worst case over the attacks (an upper bound), or up to the only attack's line.
     * Drawn behind the lines, in the model's colour.
     */
    private static void addCertifiedBand(XYPlot plot, AccuracyData data) {
        int certified = data.certifiedAttack();
        if (certified < 0) {
            return;
        }
        YIntervalSeriesCollection bands = new YIntervalSeriesCollection();
        DeviationRenderer renderer = new DeviationRenderer(false, false);
        renderer.setAlpha(0.13f);
        for (int m = 0; m < data.models().size(); m++) {
            AccuracyData.Line lower = line(data, m, certified);
            AccuracyData.Line upper = upperOf(data, m);
            if (lower == null || upper == null) {
                continue;
            }
            YIntervalSeries band = new YIntervalSeries(data.models().get(m) + " / certified to attacked");
            for (AccuracyData.Stat p : lower.points()) {
                AccuracyData.Stat top = upper.at(p.epsilon());
                if (top != null) {
                    band.add(p.epsilon(), (p.mean() + top.mean()) / 2, p.mean(), Math.max(p.mean(), top.mean()));
                }
            }
            renderer.setSeriesFillPaint(bands.getSeriesCount(), FigureStyle.colour(m));
            renderer.setSeriesPaint(bands.getSeriesCount(), FigureStyle.colour(m));
            bands.addSeries(band);
        }
        if (bands.getSeriesCount() > 0) {
            plot.setDataset(2, bands);
            plot.setRenderer(2, renderer);
        }
    }

    /** The attacks' upper bound of a model: its worst case, else its one attack. */
    private static AccuracyData.Line upperOf(AccuracyData data, int model) {
        int worst = data.attacks().indexOf(AccuracyData.WORST_CASE);
        if (worst >= 0) {
            return line(data, model, worst);
        }
        List<AccuracyData.Line> attacked = data.lines().stream()
                .filter(l -> l.model() == model && !AccuracyData.isCertified(data.attacks().get(l.attack()))).toList();
        return attacked.size() == 1 ? attacked.get(0) : null;
    }

    private static AccuracyData.Line line(AccuracyData data, int model, int attack) {
        return data.lines().stream().filter(l -> l.model() == model && l.attack() == attack).findFirst().orElse(null);
    }

    /** Axis label with the norm and the scale epsilon is measured on. */
    static String epsilonLabel(String norm) {
        String n = norm.equals("L-inf") ? "L\u221e" : norm;
        return "\u03b5 (" + n + ", pixel scale 0\u20131)";
    }

    /**
     * Colours (models) first, then styles (attacks) in a neutral grey, then what the band means.
     * With a single model its colour goes to the attack entries and no colour entry is needed.
     */
    static LegendItemCollection legend(AccuracyData data, FigureStyle style, Band band) {
        LegendItemCollection items = new LegendItemCollection();
        boolean oneModel = data.models().size() == 1;
        Shape swatch = new Line2D.Double(-7, 0, 7, 0);
        if (!oneModel) {
            for (int m = 0; m < data.models().size(); m++) {
                items.add(item(data.models().get(m), swatch, FigureStyle.thin(2.2), FigureStyle.colour(m), null));
            }
        }
        Paint attackPaint = oneModel ? FigureStyle.colour(0) : new Color(0x444444);
        int worst = data.attacks().indexOf(AccuracyData.WORST_CASE);
        for (int a = 0; a < data.attacks().size(); a++) {
            boolean isWorst = a == worst;
            items.add(item(data.attacks().get(a), new Line2D.Double(-8, 0, 8, 0), stroke(data, a, isWorst), attackPaint,
                    isWorst ? null : FigureStyle.marker(a, false)));
        }
        if (data.certifiedAttack() >= 0) {
            LegendItem between = new LegendItem("shaded: between certified and attacked", null, null, null,
                    new Rectangle2D.Double(-7, -3, 14, 6), new Color(0, 0, 0, 35));
            between.setLabelFont(style.smallFont());
            items.add(between);
        }
        if (data.hasSpread()) {
            List<Integer> runs = data.lines().stream().flatMap(l -> l.points().stream()).map(AccuracyData.Stat::n)
                    .filter(n -> n > 1).distinct().toList();
            String over = runs.size() == 1 ? " of " + runs.get(0) + " runs" : " over runs";
            LegendItem shade = new LegendItem("band: " + band.label + over, null, null, null,
                    new Rectangle2D.Double(-7, -3, 14, 6), new Color(0, 0, 0, 50));
            shade.setLabelFont(style.smallFont());
            items.add(shade);
        }
        return items;
    }

    private static LegendItem item(String label, Shape line, BasicStroke stroke, Paint paint, Shape marker) {
        boolean hasMarker = marker != null;
        return new LegendItem(label, null, null, null, hasMarker, hasMarker ? marker : new Rectangle2D.Double(), true, paint,
                false, paint, stroke, true, line, stroke, paint);
    }

    /** The paper style's axes: fonts, black lines, short outside ticks, tight insets. */
    static void styleAxes(FigureStyle style, NumberAxis... axes) {
        for (NumberAxis axis : axes) {
            axis.setLabelFont(style.font());
            axis.setTickLabelFont(style.smallFont());
            axis.setLabelPaint(FigureStyle.TEXT);
            axis.setTickLabelPaint(FigureStyle.TEXT);
            axis.setAxisLinePaint(FigureStyle.TEXT);
            axis.setAxisLineStroke(FigureStyle.thin(0.6));
            axis.setTickMarkPaint(FigureStyle.TEXT);
            axis.setTickMarkStroke(FigureStyle.thin(0.6));
            axis.setTickMarkOutsideLength(2f);
            axis.setTickMarkInsideLength(0f);
            axis.setLabelInsets(new RectangleInsets(1, 1, 1, 1));
            axis.setTickLabelInsets(new RectangleInsets(1, 1, 1, 1));
        }
    }

    /** A chart of {@code plot} on white, its legend centred below, in the paper style. */
    static JFreeChart chartWithLegendBelow(XYPlot plot, FigureStyle style) {
        JFreeChart chart = new JFreeChart(null, style.font(), plot, false);
        chart.setBackgroundPaint(Color.WHITE);
        chart.setPadding(new RectangleInsets(1, 1, 1, 1));
        LegendTitle legend = new LegendTitle(plot);
        legend.setItemFont(style.smallFont());
        legend.setPosition(RectangleEdge.BOTTOM);
        legend.setHorizontalAlignment(HorizontalAlignment.CENTER);
        legend.setFrame(org.jfree.chart.block.BlockBorder.NONE);
        legend.setBackgroundPaint(null);
        legend.setItemLabelPadding(new RectangleInsets(0, 2, 0, 5));
        legend.setLegendItemGraphicPadding(new RectangleInsets(0, 2, 0, 0));
        legend.setMargin(new RectangleInsets(2, 0, 0, 0));
        chart.addLegend(legend);
        return chart;
    }

    public static Drawing drawing(JFreeChart chart) {
        return (g, w, h) -> chart.draw(g, new Rectangle2D.Double(0, 0, w, h));
    }
}
