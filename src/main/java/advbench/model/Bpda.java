package advbench.model;

/**
 * How a gradient passes an input-transformation defence ({@link InputTransform}): through the
 * transform as it is (its gradient, zero almost everywhere for the quantising ones), or by BPDA
 * (Athalye, Carlini and Wagner 2018), whose forward pass runs the transform and whose backward
 * pass takes the identity or the transform's differentiable approximation.
 */
public enum Bpda {
    /** No BPDA: the transform's own gradient. */
    NONE(null),
    /** The backward pass takes the identity: d transform(x) / dx is replaced by I. */
    IDENTITY("identity"),
    /** The backward pass takes the transform's differentiable approximation ({@link InputTransform#approximation}). */
    APPROXIMATION("approximation");

    private final String key;

    Bpda(String key) {
        this.key = key;
    }

    public String key() {
        return key;
    }

    /** The value an experiment file gives (identity, approximation), or null for none. */
    public static Bpda parse(String key) {
        if (key == null) {
            return NONE;
        }
        for (Bpda b : values()) {
            if (key.equals(b.key)) {
                return b;
            }
        }
        throw new IllegalArgumentException("unknown bpda '" + key + "'; expected identity or approximation");
    }
}
