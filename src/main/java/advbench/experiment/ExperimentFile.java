package advbench.experiment;

import advbench.UserError;
import java.nio.file.Path;
import java.util.List;

/**
 * An experiment as the user gave it: its file and the overrides that change it for this run
 * ({@code --set}, a sweep's variant). What is found wrong only later (against the data, a missing
 * model file) is reported at its source: the override that set the field, else the file's line.
 */
public record ExperimentFile(Path path, List<FieldOverride> overrides) {
    public ExperimentFile {
        overrides = List.copyOf(overrides);
    }

    public static ExperimentFile of(Path path) {
        return new ExperimentFile(path, List.of());
    }

    public ExperimentSpec load() {
        return ExperimentLoader.load(path, overrides);
    }

    /** An error in {@code field} (a full path such as {@code attacks[1].target}), named where its value came from. */
    public UserError located(String field, String message) {
        for (FieldOverride o : overrides) {
            if (o.covers(field)) {
                return new UserError(o.origin() + ": " + field + ": " + message);
            }
        }
        return ExperimentLoader.located(path, field, message);
    }
}
