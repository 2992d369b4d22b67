package advbench.figures;

import advbench.report.Epsilons;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The accuracy-vs-epsilon numbers as tables to paste into a paper: LaTeX (booktabs) and Markdown,
 * one row per model and attack, one column per epsilon, accuracies in percent with one decimal.
 * A configuration with several runs shows mean and sample standard deviation. Made from the same
 * {@link AccuracyData} as the figure, so table and figure cannot disagree.
 */
public final class AccuracyTable {
    private AccuracyTable() {}

    /** A cell an attack was not run at. */
    static final String MISSING_TEX = "--";
    static final String MISSING_MD = "\u2013";

    public static String latex(AccuracyData data) {
        StringBuilder sb = new StringBuilder();
        sb.append("% ").append(caption(data)).append('\n');
        sb.append("% needs \\usepackage{booktabs}; written by bench figures from the runs' metrics.json\n");
        sb.append("\\begin{tabular}{l l").append(" r".repeat(data.epsilons().size())).append("}\n");
        sb.append("\\toprule\n");
        List<String> head = new ArrayList<>(List.of("model", "attack"));
        for (int e = 0; e < data.epsilons().size(); e++) {
            String eps = Epsilons.format(data.epsilons().get(e));
            head.add(e == 0 ? "$\\epsilon = " + eps + "$" : "$" + eps + "$");
        }
        sb.append(String.join(" & ", head)).append(" \\\\\n");
        sb.append("\\midrule\n");
        int previousModel = -1;
        for (AccuracyData.Line line : data.lines()) {
            if (previousModel >= 0 && line.model() != previousModel) {
                sb.append("\\addlinespace\n"); // booktabs' light separation between models
            }
            List<String> cells = new ArrayList<>();
            cells.add(line.model() == previousModel ? "" : escape(data.models().get(line.model())));
            cells.add(escape(data.attacks().get(line.attack())));
            for (double eps : data.epsilons()) {
                AccuracyData.Stat s = line.at(eps);
                cells.add(s == null ? MISSING_TEX : s.n() > 1
                        ? String.format(Locale.ROOT, "$%.1f \\pm %.1f$", s.mean(), s.std())
                        : String.format(Locale.ROOT, "%.1f", s.mean()));
            }
            sb.append(String.join(" & ", cells)).append(" \\\\\n");
            previousModel = line.model();
        }
        sb.append("\\bottomrule\n");
        sb.append("\\end{tabular}\n");
        return sb.toString();
    }

    public static String markdown(AccuracyData data) {
        StringBuilder sb = new StringBuilder();
        List<String> head = new ArrayList<>(List.of("model", "attack"));
        for (int e = 0; e < data.epsilons().size(); e++) {
            String eps = Epsilons.format(data.epsilons().get(e));
            head.add(e == 0 ? "\u03b5 = " + eps : eps);
        }
        row(sb, head);
        List<String> rule = new ArrayList<>(List.of("---", "---"));
        data.epsilons().forEach(e -> rule.add("---:"));
        row(sb, rule);
        for (AccuracyData.Line line : data.lines()) {
            List<String> cells = new ArrayList<>();
            cells.add(markdownText(data.models().get(line.model())));
            cells.add(markdownText(data.attacks().get(line.attack())));
            for (double eps : data.epsilons()) {
                AccuracyData.Stat s = line.at(eps);
                cells.add(s == null ? MISSING_MD : s.n() > 1
                        ? String.format(Locale.ROOT, "%.1f \u00b1 %.1f", s.mean(), s.std())
                        : String.format(Locale.ROOT, "%.1f", s.mean()));
            }
            row(sb, cells);
        }
        sb.append('\n').append(caption(data)).append('\n');
        return sb.toString();
    }

    static String caption(AccuracyData data) {
        String what = "Test accuracy (%) under attack against the " + data.norm() + " budget epsilon (pixel scale 0-1)";
        return data.hasSpread() ? what + "; mean \u00b1 sample standard deviation over runs." : what + ".";
    }

    private static void row(StringBuilder sb, List<String> cells) {
        sb.append("| ").append(String.join(" | ", cells)).append(" |\n");
    }

    /** Escapes the characters LaTeX treats specially in text. */
    static String escape(String s) {
        StringBuilder sb = new StringBuilder();
        for (char c : s.toCharArray()) {
            switch (c) {
                case '\\' -> sb.append("\\textbackslash{}");
                case '&', '%', '$', '#', '_', '{', '}' -> sb.append('\\').append(c);
                case '~' -> sb.append("\\textasciitilde{}");
                case '^' -> sb.append("\\textasciicircum{}");
                default -> sb.append(c);
            }
        }
        return sb.toString();
    }

    private static String markdownText(String s) {
        return s.replace("|", "\\|");
    }
}
