package advbench.attack;

/** The norm in which an attack's perturbation budget epsilon is measured. */
public enum Norm {
    LINF("L-inf"),
    L2("L2");

    private final String label;

    Norm(String label) {
        this.label = label;
    }

    public String label() {
        return label;
    }
}
