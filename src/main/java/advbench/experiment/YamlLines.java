package advbench.experiment;

import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;

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
}
