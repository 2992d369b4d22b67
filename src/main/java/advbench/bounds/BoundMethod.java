package advbench.bounds;

/** How certified bounds are computed: interval bound propagation, or CROWN-IBP (with IBP's, the tighter of the two per margin). */
public enum BoundMethod {
    IBP("ibp", "IBP"),
    CROWN_IBP("crown-ibp", "CROWN-IBP");

    private final String key;
    private final String label;

    BoundMethod(String key, String label) {
        this.key = key;
        this.label = label;
    }

    /** The name an experiment file gives. */
    public String key() {
        return key;
    }

    /** The name in tables, figures and the log. */
    public String label() {
        return label;
    }

    public static BoundMethod parse(String key) {
        for (BoundMethod m : values()) {
            if (m.key.equals(key)) {
                return m;
            }
        }
        throw new IllegalArgumentException("unknown bound method '" + key + "'; expected ibp or crown-ibp");
    }
}
