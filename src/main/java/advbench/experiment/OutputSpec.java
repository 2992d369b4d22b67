package advbench.experiment;

import advbench.SpecException;
import advbench.figures.FigureFormat;
import advbench.figures.FigureOptions;
import java.util.ArrayList;
import java.util.List;

/**
 * What to draw besides the numbers: the run's figures are drawn by the same code as
 * {@code bench figures}, from the files the run wrote.
 *
 * @param gridSamples how many test samples (the first of the test set) form the columns of the
 *     adversarial example grid
 * @param formats the figures' file formats: png, svg and/or pdf (default png and svg)
 */
public record OutputSpec(Integer gridSamples, List<String> formats) {
    public static final OutputSpec DEFAULT = new OutputSpec(null, null);

    public OutputSpec {
        gridSamples = SpecException.atLeast(gridSamples == null ? 10 : gridSamples, 1, "grid_samples");
        if (gridSamples > 50) {
            throw new SpecException("grid_samples", "must be at most 50, got " + gridSamples);
        }
        formats = formats == null ? List.of("png", "svg") : List.copyOf(formats);
        if (formats.isEmpty()) {
            throw new SpecException("formats", "must list at least one of png, svg, pdf");
        }
        for (int i = 0; i < formats.size(); i++) {
            if (formats.get(i) == null || FigureFormat.byName(formats.get(i)) == null) {
                throw new SpecException("formats[" + i + "]", "unknown format '" + formats.get(i) + "'; expected png, svg or pdf");
            }
        }
    }

    /** How a run draws its own figures: these formats, the grid's columns, and bench figures' defaults otherwise. */
    public FigureOptions figureOptions() {
        List<FigureFormat> chosen = new ArrayList<>();
        formats.stream().map(FigureFormat::byName).filter(f -> !chosen.contains(f)).forEach(chosen::add);
        FigureOptions d = FigureOptions.defaults();
        return new FigureOptions(List.copyOf(chosen), d.width(), d.height(), d.dpi(), d.style(), d.band(), null, null, gridSamples);
    }
}
