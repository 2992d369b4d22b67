package advbench.sweep;

import advbench.UserError;
import advbench.experiment.ExperimentLoader;
import advbench.experiment.ExperimentSpec;
import advbench.experiment.FieldOverride;
import advbench.report.AtomicFile;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.IntNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A sweep expanded into its variants, every one read and checked like an experiment file before
 * anything runs, and the sweep folder that records them: {@code <results>/sweeps/<sweep name>/}
 * with {@code sweep.yaml} (the file as given), {@code variants.csv} (index and swept values) and
 * per variant {@code variants/<i>/experiment.yaml} (its resolved experiment). A variant's task
 * adds its log, start and exit marks and the path of its run folder there (see {@link VariantStatus}).
 * The same sweep file always gives the same folder, so a resubmitted sweep finds what is done.
 */
public final class SweepPlan {
    private final Path sweepFile;
    private final Path base;
    private final List<Variant> variants;
    private final Path folder;

    private SweepPlan(Path sweepFile, Path base, List<Variant> variants, Path folder) {
        this.sweepFile = sweepFile;
        this.base = base;
        this.variants = variants;
        this.folder = folder;
    }

    /** Reads the sweep file and every variant; any bad file, key or value is a user error before anything runs. */
    public static SweepPlan of(Path sweepFile, Path resultsRoot) {
        SweepSpec spec = SweepSpec.load(sweepFile);
        Path dir = sweepFile.toAbsolutePath().getParent();
        Path base = dir.resolve(spec.base()).normalize();
        if (!Files.isRegularFile(base)) {
            throw new UserError(sweepFile + ": base: " + spec.base() + " is not a file (relative to the sweep file: " + base + ")");
        }
        List<Variant> variants = new ArrayList<>();
        List<Integer> seeds = spec.seeds() == null ? java.util.Collections.singletonList(null) : spec.seeds();
        for (Map<String, JsonNode> cell : spec.cells()) {
            for (Integer seed : seeds) {
                List<FieldOverride> overrides = new ArrayList<>();
                List<String> label = new ArrayList<>();
                if (seed != null) {
                    overrides.add(FieldOverride.of("seed", IntNode.valueOf(seed), sweepFile + ": seeds: " + seed));
                    label.add("seed=" + seed);
                }
                cell.forEach((key, value) -> {
                    String shown = value.isTextual() ? value.asText() : value.toString();
                    overrides.add(FieldOverride.of(key, value, sweepFile + ": grid: " + key + "=" + shown));
                    label.add(key + "=" + shown);
                });
                ExperimentSpec experiment = ExperimentLoader.load(base, overrides);
                variants.add(new Variant(variants.size(), List.copyOf(overrides), String.join(" ", label), experiment));
            }
        }
        return new SweepPlan(sweepFile, base, List.copyOf(variants), resultsRoot.resolve("sweeps").resolve(name(sweepFile)));
    }

    /** The sweep file's name without .yaml/.yml: the sweep folder's name. */
    static String name(Path sweepFile) {
        String file = sweepFile.getFileName().toString().replaceFirst("\\.ya?ml$", "");
        String name = file.replaceAll("[^A-Za-z0-9._-]", "_");
        return name.isEmpty() || name.startsWith(".") ? "sweep" + name : name;
    }

    public List<Variant> variants() {
        return variants;
    }

    public Variant variant(int index) {
        if (index < 0 || index >= variants.size()) {
            throw new UserError("--task " + index + ": the sweep has variants 0 to " + (variants.size() - 1));
        }
        return variants.get(index);
    }

    public Path folder() {
        return folder;
    }

    public Path base() {
        return base;
    }

    public Path sweepFile() {
        return sweepFile;
    }

    public Path variantDir(int index) {
        return folder.resolve("variants").resolve(String.valueOf(index));
    }

    /**
     * Writes the sweep folder, or checks that an existing one holds this very sweep: a sweep
     * file edited since (another variant list, another resolved experiment) is refused, as its
     * finished runs would be mixed with the new ones.
     */
    public void write() {
        try {
            for (Variant v : variants) {
                Path file = variantDir(v.index()).resolve("experiment.yaml");
                String config = ExperimentLoader.resolvedConfig(v.spec());
                if (Files.isRegularFile(file) && !Files.readString(file, StandardCharsets.UTF_8).equals(config)) {
                    throw new UserError(folder + " holds another version of this sweep (variant " + v.index() + ", " + v.label()
                            + ", differs); move that folder away or give the sweep file another name");
                }
            }
            Path extra = variantDir(variants.size());
            if (Files.isDirectory(extra)) {
                throw new UserError(folder + " holds another version of this sweep (it has more than " + variants.size()
                        + " variants); move that folder away or give the sweep file another name");
            }
            for (Variant v : variants) {
                Path file = variantDir(v.index()).resolve("experiment.yaml");
                if (!Files.isRegularFile(file)) {
                    AtomicFile.write(file, ExperimentLoader.resolvedConfig(v.spec()).getBytes(StandardCharsets.UTF_8));
                }
            }
            AtomicFile.write(folder.resolve("sweep.yaml"), Files.readAllBytes(sweepFile));
            AtomicFile.write(folder.resolve("variants.csv"), variantsCsv().getBytes(StandardCharsets.UTF_8));
        } catch (IOException | java.io.UncheckedIOException e) {
            throw new UserError("cannot write the sweep folder " + folder + " (" + advbench.Errors.reason(e) + ")");
        }
    }

    /** index, then one column per swept key (seed first), in the order of the overrides. */
    String variantsCsv() {
        StringBuilder sb = new StringBuilder("variant");
        variants.get(0).overrides().forEach(o -> sb.append(',').append(o.key()));
        sb.append('\n');
        for (Variant v : variants) {
            sb.append(v.index());
            v.overrides().forEach(o -> sb.append(',').append(advbench.report.SavedPredictions.quote(o.value().isTextual() ? o.value().asText() : o.value().toString())));
            sb.append('\n');
        }
        return sb.toString();
    }
}
