package advbench.experiment;

import advbench.SpecException;
import advbench.UserError;
import advbench.attack.AttackSpec;
import advbench.attack.Attacks;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.exc.InvalidTypeIdException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.exc.ValueInstantiationException;
import com.fasterxml.jackson.databind.jsontype.NamedType;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * Reads an experiment file strictly: unknown keys, wrong types, duplicate keys and values out of
 * range are all refused with one line of the form {@code file:line: field: what was expected}.
 */
public final class ExperimentLoader {
    private ExperimentLoader() {}

    /** The mapper that reads experiment files; also writes the resolved config. */
    public static final ObjectMapper YAML = YAMLMapper.builder(YAMLFactory.builder()
                    .enable(com.fasterxml.jackson.core.StreamReadFeature.STRICT_DUPLICATE_DETECTION).build())
            .propertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT)
            .disable(MapperFeature.ALLOW_COERCION_OF_SCALARS)
            .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
            // write "type: fgsm" as a plain field, as users write it, not as a YAML tag
            .disable(YAMLGenerator.Feature.USE_NATIVE_TYPE_ID)
            .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES)
            .serializationInclusion(com.fasterxml.jackson.annotation.JsonInclude.Include.NON_NULL)
            // the attack types of experiment files are those of the attack registry
            .registerSubtypes(Attacks.types().entrySet().stream().map(e -> new NamedType(e.getValue(), e.getKey()))
                    .toArray(NamedType[]::new))
            .build();

    /**
     * An experiment file is a few kilobytes; a larger one is not an experiment, and a very long
     * line costs the YAML scanner time that grows with its square.
     */
    static final long MAX_FILE_BYTES = 1 << 20;

    public static ExperimentSpec load(Path file) {
        return load(file, List.of());
    }

    /** The file with {@code overrides} applied (bench run --set, a sweep's variant). */
    public static ExperimentSpec load(Path file, List<FieldOverride> overrides) {
        String text;
        try {
            if (Files.isRegularFile(file) && Files.size(file) > MAX_FILE_BYTES) {
                throw new UserError(file + ": " + Files.size(file) + " bytes; an experiment file is a few kilobytes (at most 1 MiB)");
            }
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            throw new UserError(file + ": no such experiment file");
        } catch (java.nio.charset.MalformedInputException e) {
            throw new UserError(file + ": not a text file (not valid UTF-8); expected a YAML experiment file");
        } catch (IOException e) {
            throw new UserError(file + ": cannot be read (" + advbench.Errors.reason(e) + ")");
        }
        return parse(file.toString(), text, overrides);
    }

    public static ExperimentSpec parse(String fileName, String text) {
        return parse(fileName, text, List.of());
    }

    /** A sweep file names a base experiment and has no name of its own. */
    public static boolean isSweepFile(String text) {
        return text.matches("(?s)(.*\n)?base:.*") && !text.matches("(?s)(.*\n)?name:.*");
    }

    /**
     * Reads an experiment, the one way for a file as it is and for one with overrides: its YAML
     * tree is read, the overrides (none, {@code --set}, a sweep's variant) are applied to it, and
     * the tree is bound to the records, which check every field. An error in a field an override
     * set names the override, not a line of the file.
     */
    public static ExperimentSpec parse(String fileName, String text, List<FieldOverride> overrides) {
        if (isSweepFile(text)) {
            throw new UserError(fileName + ": a sweep file (it names a base experiment); run it with bench sweep " + fileName);
        }
        YamlLines lines = YamlLines.of(text);
        YamlLines.BadNumber bad = lines.firstBadNumber();
        if (bad != null) {
            throw new UserError(fileName + ":" + bad.line() + ": " + bad.path() + ": " + bad.message());
        }
        com.fasterxml.jackson.databind.JsonNode tree;
        try {
            tree = text.isBlank() ? null : YAML.readTree(text);
        } catch (JsonProcessingException e) {
            // YAML syntax: the parser's own location is the right one
            throw new UserError(fileName + ":" + line(e.getLocation()) + ": not valid YAML: " + firstLine(e.getOriginalMessage()));
        }
        if (tree == null || tree.isMissingNode() || tree.isNull()) {
            throw new UserError(fileName + ":1: the file is empty; expected an experiment (name, seed, dataset, model, attacks, epsilons)");
        }
        if (!(tree instanceof com.fasterxml.jackson.databind.node.ObjectNode root)) {
            throw new UserError(fileName + ":1: expected a mapping of fields (name, seed, dataset, model, attacks, epsilons)");
        }
        overrides.forEach(o -> o.applyTo(root));
        try {
            return YAML.treeToValue(root, ExperimentSpec.class);
        } catch (JsonMappingException e) {
            UserError located = describe(fileName, lines, e);
            String field = e instanceof ValueInstantiationException && e.getCause() instanceof SpecException spec
                    ? join(path(e.getPath()), spec.field())
                    : e instanceof InvalidTypeIdException ? join(path(e.getPath()), "type") : path(e.getPath());
            for (FieldOverride o : overrides) {
                if (o.covers(field)) { // the value came from the override: name it, not a line of the file
                    String message = located.getMessage().substring(located.getMessage().indexOf(": ", fileName.length()) + 2);
                    throw new UserError(o.origin() + ": " + message);
                }
            }
            throw located;
        } catch (JsonProcessingException e) {
            throw new UserError(fileName + ": " + firstLine(e.getOriginalMessage()));
        }
    }

    private static UserError describe(String fileName, YamlLines lines, JsonMappingException e) {
        if (e.getCause() instanceof JsonProcessingException syntax && !(e.getCause() instanceof JsonMappingException)) {
            // a YAML syntax error met while binding: Jackson wraps it, the parser's location is right
            return new UserError(fileName + ":" + line(syntax.getLocation()) + ": not valid YAML: " + firstLine(syntax.getOriginalMessage()));
        }
        String path = path(e.getPath());
        String message;
        String field = path;
        if (e instanceof ValueInstantiationException && e.getCause() instanceof SpecException spec) {
            field = join(path, spec.field());
            message = spec.getMessage();
        } else if (e instanceof UnrecognizedPropertyException u) {
            message = "unknown field '" + u.getPropertyName() + "'; expected one of " + names(u.getKnownPropertyIds());
            if (u.getPropertyName().equals("eval_batch_size")) {
                message = "'eval_batch_size' has moved to evaluation.batch_size";
            }
        } else if (e instanceof InvalidTypeIdException t) {
            message = t.getTypeId() == null ? "missing 'type'" : "unknown attack type '" + t.getTypeId() + "'";
            message += "; expected one of " + attackTypes();
        } else if (e instanceof MismatchedInputException m && m.getTargetType() != null) {
            message = "expected " + describeType(m.getTargetType());
        } else {
            message = firstLine(e.getOriginalMessage());
        }
        int line = lines.lineOf(field);
        if (line <= 0) {
            line = line(e.getLocation());
        }
        return new UserError(fileName + ":" + line + ": " + (field.isEmpty() ? "" : field + ": ") + message);
    }

    /** The experiment as resolved, defaults filled in: config.yaml of a run, which bench run accepts as it is. */
    public static String resolvedConfig(ExperimentSpec spec) {
        try {
            return YAML.writeValueAsString(spec);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    static String sha256(String text) {
        try {
            return java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256")
                    .digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    static String attackTypes() {
        return String.join(", ", Attacks.types().keySet());
    }

    /**
     * A value found wrong only once the data is loaded (a target class the data does not have, an
     * L2 budget larger than its images allow), reported like any error of the file: its line and
     * field. {@code field} is a full path such as {@code attacks[1].target}.
     */
    public static UserError located(Path file, String field, String message) {
        int line = 0;
        try {
            line = YamlLines.of(Files.readString(file, StandardCharsets.UTF_8)).lineOf(field);
        } catch (IOException e) {
            // the message without a line is still the right message
        }
        return new UserError(file + (line > 0 ? ":" + line : "") + ": " + field + ": " + message);
    }

    private static String describeType(Class<?> type) {
        if (type == Integer.class || type == int.class || type == Long.class || type == long.class) {
            return "a whole number";
        }
        if (type == Double.class || type == double.class || type == Float.class) {
            return "a number";
        }
        if (type == String.class) {
            return "a text value";
        }
        if (Collection.class.isAssignableFrom(type)) {
            return "a list";
        }
        if (type.isRecord() || Map.class.isAssignableFrom(type) || type.isInterface()) {
            return "a mapping of fields";
        }
        return "a " + type.getSimpleName();
    }

    private static String path(List<JsonMappingException.Reference> refs) {
        StringBuilder sb = new StringBuilder();
        for (JsonMappingException.Reference r : refs) {
            if (r.getFieldName() != null) {
                sb.append(sb.isEmpty() ? "" : ".").append(r.getFieldName());
            } else if (r.getIndex() >= 0) {
                sb.append('[').append(r.getIndex()).append(']');
            }
        }
        return sb.toString();
    }

    private static String join(String path, String field) {
        if (path.isEmpty()) {
            return field;
        }
        return field.startsWith("[") ? path + field : path + "." + field;
    }

    private static String names(Collection<Object> ids) {
        return ids == null ? "?" : new TreeSet<>(ids.stream().map(Object::toString).toList()).stream().collect(Collectors.joining(", "));
    }

    private static int line(JsonLocation loc) {
        return loc == null || loc.getLineNr() < 1 ? 1 : loc.getLineNr();
    }

    private static String firstLine(String s) {
        if (s == null) {
            return "unreadable";
        }
        int nl = s.indexOf('\n');
        return (nl < 0 ? s : s.substring(0, nl)).trim();
    }
}
