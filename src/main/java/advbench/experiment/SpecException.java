package advbench.experiment;

/**
 * Thrown by a spec record's constructor when a value is out of range. {@code field} is relative
 * to that record; the loader prefixes the path to the record and finds the line in the file.
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

    static <T> T require(T value, String field) {
        if (value == null) {
            throw new SpecException(field, "missing required field");
        }
        return value;
    }

    static int atLeast(Integer value, int min, String field) {
        if (value < min) {
            throw new SpecException(field, "must be at least " + min + ", got " + value);
        }
        return value;
    }
}
