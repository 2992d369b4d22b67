package advbench;

/**
 * A value of an experiment file that is out of range, thrown while a record of the file is built.
 * {@code field} is relative to that record; the experiment loader prefixes the path to the record
 * and finds the line in the file. Records of every stage (attack parameters, data, model) throw
 * it, so it lives here rather than with the loader.
 */
public class SpecException extends RuntimeException {
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
}
