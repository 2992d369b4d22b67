package advbench;

/**
 * A value of an experiment file that is out of range, thrown while a record of the file is built.
 * {@code field} is relative to that record; the experiment loader prefixes the path to the record
 * and finds the line in the file. Records of every stage (attack parameters, data, model) throw
 * it, so it lives here rather than with the loader.
 */
public class SpecException extends RuntimeException {
    /** Upper bounds shared by the records of an experiment file. */
    public static final int MAX_EPOCHS = 10_000;
    public static final int MAX_BATCH = 100_000;
    public static final int MAX_STEPS = 100_000;

    private final String field;

    public SpecException(String field, String message) {
        super(message);
        this.field = field;
    }

    public String field() {
        return field;
    }

    public static <T> T require(T value, String field) {
        if (value == null) {
            throw new SpecException(field, "missing required field");
        }
        return value;
    }

    public static int atLeast(Integer value, int min, String field) {
        if (value < min) {
            throw new SpecException(field, "must be at least " + min + ", got " + value);
        }
        return value;
    }

    /**
     * A whole number in [min, max]. The upper bounds are far beyond any real experiment on this
     * kind of machine (10,000 epochs, batches of 100,000): they catch a typo (10^8 epochs) before
     * it runs for weeks, not a choice.
     */
    public static int between(Integer value, int min, int max, String field) {
        atLeast(value, min, field);
        if (value > max) {
            throw new SpecException(field, "must be at most " + max + ", got " + value);
        }
        return value;
    }

}
