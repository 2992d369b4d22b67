package advbench;

/**
 * A run that cannot go on for a reason the user can act on (training diverged, the disk is full),
 * as opposed to a bug: the CLI prints its message as one line and exits with code 1.
 */
public class RunFailure extends RuntimeException {
    public RunFailure(String message) {
        super(message);
    }

    public RunFailure(String message, Throwable cause) {
        super(message, cause);
    }
}
