package advbench.figures;

import advbench.UserError;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** A length given on the command line, such as 3.3in, 240pt, 8.4cm or 84mm, held in points. */
public record Length(double points) {
    public static final double POINTS_PER_INCH = 72.0;
    private static final Pattern SYNTAX = Pattern.compile("\\s*([0-9]+(?:\\.[0-9]*)?|\\.[0-9]+)\\s*(in|pt|cm|mm)\\s*");

    /**
     * @param option names the option in the error message
     * @param min smallest accepted length, in points
     * @param max largest accepted length, in points
     */
    public static Length parse(String text, String option, double min, double max) {
        Matcher m = SYNTAX.matcher(text.toLowerCase(Locale.ROOT));
        if (!m.matches()) {
            throw new UserError(option + ": expected a length with a unit, such as 3.3in or 240pt (also cm, mm), got '" + text + "'");
        }
        double value = Double.parseDouble(m.group(1));
        double points = switch (m.group(2)) {
            case "in" -> value * POINTS_PER_INCH;
            case "cm" -> value * POINTS_PER_INCH / 2.54;
            case "mm" -> value * POINTS_PER_INCH / 25.4;
            default -> value;
        };
        if (points < min || points > max) {
            throw new UserError(String.format(Locale.ROOT, "%s: must be between %s and %s, got '%s'", option,
                    describe(min), describe(max), text));
        }
        return new Length(points);
    }

    private static String describe(double points) {
        return String.format(Locale.ROOT, "%.4gpt (%.3gin)", points, points / POINTS_PER_INCH);
    }
}
