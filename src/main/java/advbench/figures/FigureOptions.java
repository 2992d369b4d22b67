package advbench.figures;

import java.util.List;

/**
 * How {@code bench figures} draws: formats, size and font, and which attacks the confusion matrix
 * and the grid show. Defaults suit a single column of a two-column paper.
 *
 * @param width figure width, in points
 * @param height figure height, in points (grids take the height their rows need)
 * @param dpi pixels per inch of the PNG files
 * @param confusion attack and epsilon of the second confusion matrix; null for the default
 * @param grid rows of the grid; null for the default (every attack at the middle of its sweep)
 * @param gridSamples columns of the grid, at most as many as the run saved
 */
public record FigureOptions(List<FigureFormat> formats, double width, double height, int dpi, FigureStyle style,
                            AccuracyFigure.Band band, AttackPick confusion, List<AttackPick> grid, int gridSamples) {

    public static final double DEFAULT_WIDTH = 3.3 * Length.POINTS_PER_INCH;
    public static final double DEFAULT_HEIGHT = 2.5 * Length.POINTS_PER_INCH;

    public static FigureOptions defaults() {
        return new FigureOptions(List.of(FigureFormat.values()), DEFAULT_WIDTH, DEFAULT_HEIGHT, 300, new FigureStyle(8, null),
                AccuracyFigure.Band.MINMAX, null, null, 10);
    }
}
