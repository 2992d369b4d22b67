package advbench.attack;

/**
 * The step alpha of an iterative attack: either an absolute value or a multiple of epsilon
 * (then one setting serves a whole sweep, as Madry et al.'s 2.5 * eps / steps does).
 */
public record StepSize(Double absolute, Double relative) {
    public StepSize {
        if ((absolute == null) == (relative == null)) {
            throw new IllegalArgumentException("give exactly one of an absolute or a relative step size");
        }
        if ((absolute != null && !(absolute > 0)) || (relative != null && !(relative > 0))) {
            throw new IllegalArgumentException("step size must be positive");
        }
    }

    public static StepSize absolute(double alpha) {
        return new StepSize(alpha, null);
    }

    public static StepSize relative(double multipleOfEpsilon) {
        return new StepSize(null, multipleOfEpsilon);
    }

    /** The step an experiment file gives (checked when it was read): its step_size, else its rel_step_size, else {@code defaultRelative}. */
    public static StepSize of(Double absolute, Double relative, double defaultRelative) {
        return absolute != null ? absolute(absolute) : relative(relative != null ? relative : defaultRelative);
    }

    public double at(double epsilon) {
        return absolute != null ? absolute : relative * epsilon;
    }

    @Override
    public String toString() {
        return absolute != null ? "alpha=" + absolute : "alpha=" + relative + "*eps";
    }
}
