package advbench.sweep;

import advbench.UserError;
import advbench.experiment.ExperimentLoader;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A sweep file: an experiment file ({@code base}, relative to the sweep file), the seeds to run it
 * with, and a grid of dotted keys over any of its fields; every combination of grid values runs
 * with every seed.
 *
 * <pre>
 * base: fgsm.yaml
 * seeds: [1, 2, 3, 4, 5]
 * grid:
 *   model.architecture: [small-cnn, madry-cnn]
 * </pre>
 *
 * @param seeds null to run the base's own seed
 * @param grid key to its values, in the file's order; empty for seeds only
 */
public record SweepSpec(String base, List<Integer> seeds, Map<String, List<JsonNode>> grid) {
    /** More variants than this is not a sweep for this tool (nor for a cluster's array limit). */
    static final int MAX_VARIANTS = 10_000;

    public SweepSpec {
        grid = grid == null ? new LinkedHashMap<>() : grid;
        if (base == null || base.isBlank()) {
            throw new IllegalArgumentException("base: missing; name the experiment file to sweep, relative to this file");
        }
        if (seeds != null) {
            if (seeds.isEmpty()) {
                throw new IllegalArgumentException("seeds: an empty list; give at least one seed, or leave seeds out to use the base's");
            }
            if (seeds.contains(null) || seeds.stream().distinct().count() < seeds.size()) {
                throw new IllegalArgumentException("seeds: each seed once, whole numbers");
            }
            if (grid != null && grid.containsKey("seed")) {
                throw new IllegalArgumentException("grid: seed is swept by seeds; give it in one place");
            }
        }
        long count = seeds == null ? 1 : seeds.size();
        for (Map.Entry<String, List<JsonNode>> e : grid.entrySet()) {
            if (e.getValue() == null || e.getValue().isEmpty()) {
                throw new IllegalArgumentException("grid." + e.getKey() + ": give a list of at least one value");
            }
            count *= e.getValue().size();
        }
        if (count > MAX_VARIANTS) {
            throw new IllegalArgumentException("the sweep has " + count + " variants; at most " + MAX_VARIANTS);
        }
    }

    /** Reads a sweep file; anything wrong with it is one user error naming the file. */
    public static SweepSpec load(Path file) {
        String text;
        try {
            if (Files.isRegularFile(file) && Files.size(file) > (1 << 20)) {
                throw new UserError(file + ": a sweep file is a few lines (at most 1 MiB)");
            }
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (java.nio.file.NoSuchFileException e) {
            throw new UserError(file + ": no such sweep file");
        } catch (java.nio.charset.MalformedInputException e) {
            throw new UserError(file + ": not a text file (not valid UTF-8); expected a YAML sweep file");
        } catch (IOException e) {
            throw new UserError(file + ": cannot be read (" + advbench.Errors.reason(e) + ")");
        }
        if (text.isBlank()) {
            throw new UserError(file + ": empty; expected base, seeds and/or grid");
        }
        try {
            return ExperimentLoader.YAML.readValue(text, SweepSpec.class);
        } catch (UnrecognizedPropertyException e) {
            throw new UserError(file + ":" + e.getLocation().getLineNr() + ": unknown field '" + e.getPropertyName()
                    + "'; a sweep file has base, seeds and grid");
        } catch (JsonMappingException e) {
            Throwable cause = e.getCause();
            if (cause instanceof JsonProcessingException syntax && !(cause instanceof JsonMappingException)) {
                int line = syntax.getLocation() == null ? 1 : syntax.getLocation().getLineNr();
                throw new UserError(file + ":" + line + ": not valid YAML: " + firstLine(syntax.getOriginalMessage()));
            }
            String message = cause instanceof IllegalArgumentException ? cause.getMessage() : firstLine(e.getOriginalMessage());
            throw new UserError(file + ": " + message);
        } catch (JsonProcessingException e) {
            throw new UserError(file + ":" + e.getLocation().getLineNr() + ": not valid YAML: " + firstLine(e.getOriginalMessage()));
        }
    }

    /** Every combination of the grid's values, the last key changing fastest. */
    List<Map<String, JsonNode>> cells() {
        List<Map<String, JsonNode>> out = new ArrayList<>();
        out.add(new LinkedHashMap<>());
        for (Map.Entry<String, List<JsonNode>> e : grid.entrySet()) {
            List<Map<String, JsonNode>> next = new ArrayList<>();
            for (Map<String, JsonNode> cell : out) {
                for (JsonNode v : e.getValue()) {
                    Map<String, JsonNode> c = new LinkedHashMap<>(cell);
                    c.put(e.getKey(), v);
                    next.add(c);
                }
            }
            out = next;
        }
        return out;
    }

    private static String firstLine(String s) {
        if (s == null) {
            return "unreadable";
        }
        int nl = s.indexOf('\n');
        return (nl < 0 ? s : s.substring(0, nl)).trim();
    }
}
