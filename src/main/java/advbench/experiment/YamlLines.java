package advbench.experiment;

import java.math.BigInteger;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;
import org.yaml.snakeyaml.nodes.Tag;

/**
 * Maps a field path such as {@code attacks[1].label} to its line in the YAML text, so that a
 * value rejected after parsing is still reported at the line where the user wrote it. A path
 * that does not exist (a missing field) maps to the line of its nearest existing parent.
 */
final class YamlLines {
    private static final Pattern SEGMENT = Pattern.compile("([^.\\[\\]]+)|\\[(\\d+)]");
    private final Node root;

    private YamlLines(Node root) {
        this.root = root;
    }

    static YamlLines of(String text) {
        try {
            return new YamlLines(new Yaml(new LoaderOptions()).compose(new java.io.StringReader(text)));
        } catch (RuntimeException e) {
            return new YamlLines(null); // syntax errors are reported by the real parser
        }
    }

    /** 1-based line, or 0 when nothing is known. */
    int lineOf(String path) {
        if (root == null) {
            return 0;
        }
        Node node = root;
        int line = node.getStartMark().getLine() + 1;
        Matcher m = SEGMENT.matcher(path);
        while (m.find() && node != null) {
            Node next = null;
            int keyLine = -1;
            if (m.group(1) != null && node instanceof MappingNode map) {
                for (NodeTuple t : map.getValue()) {
                    if (t.getKeyNode() instanceof ScalarNode k && k.getValue().equals(m.group(1))) {
                        next = t.getValueNode();
                        keyLine = k.getStartMark().getLine() + 1;
                    }
                }
            } else if (m.group(2) != null && node instanceof SequenceNode seq) {
                List<Node> items = seq.getValue();
                int i = Integer.parseInt(m.group(2));
                next = i < items.size() ? items.get(i) : null;
            }
            if (next == null) {
                break;
            }
            node = next;
            line = keyLine > 0 && !(next instanceof ScalarNode) ? keyLine : next.getStartMark().getLine() + 1;
        }
        return line;
    }

    /** A number of the file that no field can take, with where it stands. */
    record BadNumber(String path, int line, String message) {}

    /**
     * The first number in the file that is not finite (1e999, .inf, .nan) or, written as a whole
     * number, does not fit an int, or null. YAML reads such values without complaint (1e999 as
     * infinity, which passes every range check) or fails with a parser message that names no
     * field, so they are found here, on the document's own nodes, before any field is bound.
     */
    BadNumber firstBadNumber() {
        return root == null ? null : badNumber(root, "");
    }

    private static BadNumber badNumber(Node node, String path) {
        if (node instanceof MappingNode map) {
            for (NodeTuple t : map.getValue()) {
                String key = t.getKeyNode() instanceof ScalarNode k ? k.getValue() : "?";
                BadNumber b = badNumber(t.getValueNode(), path.isEmpty() ? key : path + "." + key);
                if (b != null) {
                    return b;
                }
            }
        } else if (node instanceof SequenceNode seq) {
            for (int i = 0; i < seq.getValue().size(); i++) {
                BadNumber b = badNumber(seq.getValue().get(i), path + "[" + i + "]");
                if (b != null) {
                    return b;
                }
            }
        } else if (node instanceof ScalarNode scalar) {
            String message = numberProblem(scalar);
            if (message != null) {
                return new BadNumber(path, scalar.getStartMark().getLine() + 1, message);
            }
        }
        return null;
    }

    private static String numberProblem(ScalarNode scalar) {
        String v = scalar.getValue().replace("_", "");
        if (Tag.FLOAT.equals(scalar.getTag())) {
            String lower = v.toLowerCase(Locale.ROOT);
            boolean special = lower.endsWith(".inf") || lower.equals(".nan");
            if (special || !Double.isFinite(Double.parseDouble(v))) {
                return "must be a finite number, got " + scalar.getValue();
            }
        } else if (Tag.INT.equals(scalar.getTag())) {
            try {
                BigInteger n = v.startsWith("0x") || v.startsWith("0o") || v.startsWith("0b")
                        ? new BigInteger(v.substring(2), v.charAt(1) == 'x' ? 16 : v.charAt(1) == 'o' ? 8 : 2) : new BigInteger(v);
                if (n.bitLength() > 31) {
                    return "must be a whole number below 2147483648, got " + scalar.getValue();
                }
            } catch (NumberFormatException e) {
                return null; // an unusual int form (sexagesimal): the binder says what it expected
            }
        }
        return null;
    }
}
