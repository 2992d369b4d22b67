package advbench;

/**
 * A problem with what the user gave us (experiment file, data, command line), as opposed to a
 * bug. The CLI prints its message as one line and exits with code 2; no stack trace.
 */
public class UserError extends RuntimeException {
    public UserError(String message) {
        super(message);
    }

    public UserError(String message, Throwable cause) {
        super(message, cause);
    }
}
