package advbench.experiment;

import advbench.UserError;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One change to an experiment file by a dotted key, such as {@code model.epochs=3} or
 * {@code attacks[1].steps=10}: what {@code bench run --set} and a sweep's seeds and grid are made
 * of. It is applied to the file's YAML tree before the tree is read, so an override meets the
 * same checks as the file itself, and a bad one is named as the override, not as a line.
 *
 * @param key dotted field names as the file writes them (snake_case), with [i] for list items
 * @param value a YAML value: a number, a string, true/false, or a flow list like [0.1, 0.2]
 * @param origin how the user wrote it, for messages ("--set model.epochs=3", "grid model.epochs")
 */
public record FieldOverride(String key, JsonNode value, String origin) {
    private static final Pattern SEGMENT = Pattern.compile("([a-z][a-z0-9_]*)((?:\\[\\d{1,6}])*)");
    private static final Pattern INDEX = Pattern.compile("\\[(\\d+)]");

    /** {@code KEY=VALUE} as given to {@code --set}. */
    public static FieldOverride parse(String assignment) {
        int eq = assignment.indexOf('=');
        if (eq <= 0) {
            throw new UserError("--set " + assignment + ": expected KEY=VALUE, such as model.epochs=3 or attacks[0].steps=20");
        }
        String key = assignment.substring(0, eq).strip();
        return of(key, assignment.substring(eq + 1).strip(), "--set " + assignment);
    }

    public static List<FieldOverride> parseAll(List<String> assignments) {
        List<FieldOverride> out = new ArrayList<>();
        for (String a : assignments == null ? List.<String>of() : assignments) {
            FieldOverride o = parse(a);
            if (out.stream().anyMatch(p -> p.key.equals(o.key))) {
                throw new UserError(o.origin + ": " + o.key + " is set twice");
            }
            out.add(o);
        }
        return out;
    }

    /** An override from its key and the YAML text of its value. */
    static FieldOverride of(String key, String valueText, String origin) {
        checkKey(key, origin);
        if (valueText.isEmpty()) {
            throw new UserError(origin + ": no value after '='");
        }
        YamlLines.BadNumber bad = YamlLines.of("v: " + valueText).firstBadNumber();
        if (bad != null) {
            throw new UserError(origin + ": " + bad.message());
        }
        try {
            JsonNode value = ExperimentLoader.YAML.readTree(valueText);
            if (value == null || value.isMissingNode() || value.isObject()) {
                throw new UserError(origin + ": the value must be a number, a string, true/false or a list like [0.1, 0.2]");
            }
            return new FieldOverride(key, value, origin);
        } catch (JsonProcessingException e) {
            throw new UserError(origin + ": the value is not valid YAML");
        }
    }

    /** An override of a value already read (a sweep's grid). */
    public static FieldOverride of(String key, JsonNode value, String origin) {
        checkKey(key, origin);
        return new FieldOverride(key, value, origin);
    }

    private static void checkKey(String key, String origin) {
        for (String segment : key.split("\\.", -1)) {
            if (!SEGMENT.matcher(segment).matches()) {
                throw new UserError(origin + ": '" + key + "' is not a key; write field names as in the file, joined by dots,"
                        + " with [i] for a list item: model.epochs, attacks[0].steps");
            }
        }
    }

    /** Whether an error at {@code field} (a path like attacks[1].steps) is about this override's value. */
    boolean covers(String field) {
        return field.equals(key) || field.startsWith(key + ".") || field.startsWith(key + "[");
    }

    /** Sets the value in the tree, making the objects on the way; a list item must already exist. */
    void applyTo(ObjectNode root) {
        String[] segments = key.split("\\.");
        JsonNode node = root;
        for (int s = 0; s < segments.length; s++) {
            Matcher m = SEGMENT.matcher(segments[s]);
            m.matches();
            String name = m.group(1);
            List<Integer> indices = new ArrayList<>();
            Matcher im = INDEX.matcher(m.group(2));
            while (im.find()) {
                indices.add(Integer.parseInt(im.group(1)));
            }
            if (!(node instanceof ObjectNode object)) {
                throw new UserError(origin + ": " + path(segments, s) + " is not a section with fields");
            }
            boolean last = s == segments.length - 1;
            if (indices.isEmpty() && last) {
                object.set(name, value);
                return;
            }
            JsonNode child = object.get(name);
            if (indices.isEmpty()) {
                if (child == null || child.isNull()) {
                    child = object.putObject(name);
                }
                node = child;
                continue;
            }
            for (int k = 0; k < indices.size(); k++) {
                int i = indices.get(k);
                if (!(child instanceof ArrayNode list)) {
                    throw new UserError(origin + ": " + name + " is not a list in the file");
                }
                if (i >= list.size()) {
                    throw new UserError(origin + ": " + name + " has " + list.size() + " item" + (list.size() == 1 ? "" : "s")
                            + " in the file, so there is no [" + i + "]");
                }
                if (last && k == indices.size() - 1) {
                    list.set(i, value);
                    return;
                }
                child = list.get(i);
            }
            node = child;
        }
    }

    private static String path(String[] segments, int upTo) {
        return String.join(".", java.util.Arrays.copyOf(segments, upTo));
    }
}
