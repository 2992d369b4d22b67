package advbench.figures;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Runs of one experiment configuration: same experiment name and same resolved config except the
 * seed. Their curves are averaged and drawn with a band, so repeated seeds read as one result
 * with its spread rather than as a tangle of lines.
 *
 * @param label how figures and tables name it
 */
public record Configuration(String label, List<RunData> runs) {

    /** Groups runs in the order given; each group is named after its experiment. */
    public static List<Configuration> group(List<RunData> runs) {
        List<List<RunData>> groups = new ArrayList<>();
        for (RunData run : runs) {
            List<RunData> home = groups.stream().filter(g -> sameConfiguration(g.get(0), run)).findFirst().orElse(null);
            if (home == null) {
                groups.add(home = new ArrayList<>());
            }
            home.add(run);
        }
        List<Configuration> result = new ArrayList<>();
        for (List<RunData> g : groups) {
            String name = g.get(0).experiment();
            // two configurations of one experiment (say, edited epochs) are told apart by run id
            boolean ambiguous = groups.stream().filter(o -> o != g).anyMatch(o -> o.get(0).experiment().equals(name));
            String label = ambiguous ? name + " (" + g.get(0).runId() + ")" : name;
            result.add(new Configuration(label + runsNote(g), List.copyOf(g)));
        }
        return List.copyOf(result);
    }

    /** Runs grouped by the caller (a sweep's grid cell), named {@code label} plus how many seeds they are. */
    public static Configuration named(String label, List<RunData> runs) {
        return new Configuration(label + runsNote(runs), List.copyOf(runs));
    }

    /** " (3 seeds)" for a configuration of several runs ("runs" if a seed repeats), else "". */
    static String runsNote(List<RunData> runs) {
        if (runs.size() < 2) {
            return "";
        }
        long seeds = runs.stream().mapToInt(RunData::seed).distinct().count();
        return seeds == runs.size() ? " (" + runs.size() + " seeds)" : " (" + runs.size() + " runs)";
    }

    public String runsNote() {
        return runsNote(runs);
    }

    static boolean sameConfiguration(RunData a, RunData b) {
        return a.experiment().equals(b.experiment()) && a.configWithoutSeed() != null
                && Objects.equals(a.configWithoutSeed(), b.configWithoutSeed());
    }

    /** Model names in the order the runs list them (baseline first). */
    public List<String> modelNames() {
        List<String> names = new ArrayList<>();
        runs.forEach(r -> r.models().forEach(m -> {
            if (!names.contains(m.name())) {
                names.add(m.name());
            }
        }));
        return names;
    }
}
