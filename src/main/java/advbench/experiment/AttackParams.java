package advbench.experiment;

import advbench.attack.Norm;
import advbench.attack.StepSize;
import advbench.attack.Target;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/** Validation shared by the attack spec records; every error names the attack type and field. */
final class AttackParams {
    private AttackParams() {}

    /** The largest L2 distance between two 28x28 images in [0, 1]. */
    static final double MAX_L2 = 28.0;

    static int steps(String type, Integer steps, int fallback) {
        int s = steps == null ? fallback : steps;
        if (s < 1) {
            throw new SpecException("steps", type + " steps must be at least 1, got " + s);
        }
        return s;
    }

    /**
     * Exactly one of step_size (absolute) or rel_step_size (times epsilon); neither gives
     * {@code defaultRelative}.
     */
    static StepSize stepSize(String type, Double absolute, Double relative, double defaultRelative) {
        if (absolute != null && relative != null) {
            throw new SpecException("step_size", type + ": give step_size or rel_step_size, not both");
        }
        if (absolute != null && !(absolute > 0)) {
            throw new SpecException("step_size", type + " step_size (alpha) must be positive, got " + absolute);
        }
        if (relative != null && !(relative > 0)) {
            throw new SpecException("rel_step_size", type + " rel_step_size must be positive, got " + relative);
        }
        return absolute != null ? StepSize.absolute(absolute) : StepSize.relative(relative != null ? relative : defaultRelative);
    }

    /** least-likely, random, or a class 0-9; null means untargeted. */
    static Target target(String type, Object target, int seed) {
        if (target == null) {
            return null;
        }
        if (target instanceof Integer c) {
            if (c < 0 || c > 9) {
                throw new SpecException("target", type + " target class must be 0-9, got " + c);
            }
            return new Target.FixedClass(c);
        }
        if ("least-likely".equals(target)) {
            return new Target.LeastLikely();
        }
        if ("random".equals(target)) {
            return new Target.RandomClass(seed);
        }
        throw new SpecException("target", type + " target must be least-likely, random or a class 0-9, got '" + target + "'");
    }

    static Norm norm(String type, String norm) {
        if (norm == null) {
            return Norm.LINF;
        }
        try {
            return Norm.parse(norm);
        } catch (IllegalArgumentException e) {
            throw new SpecException("norm", type + ": unknown norm '" + norm + "'; expected linf or l2");
        }
    }

    /** Sorted, distinct, each in [0, max]; null stays null (the experiment's list applies). */
    static List<Double> epsilons(List<Double> epsilons, Norm norm, String field) {
        if (epsilons == null) {
            return null;
        }
        double max = norm == Norm.L2 ? MAX_L2 : 1.0;
        if (epsilons.isEmpty()) {
            throw new SpecException(field, "must list at least one epsilon");
        }
        Set<Double> seen = new HashSet<>();
        for (int i = 0; i < epsilons.size(); i++) {
            Double e = epsilons.get(i);
            if (e == null || !(e >= 0 && e <= max)) {
                throw new SpecException(field + "[" + i + "]", "must be a number in [0, " + (norm == Norm.L2 ? "28] (L2" : "1] (L-inf")
                        + ", pixel scale), got " + e);
            }
            if (!seen.add(e)) {
                throw new SpecException(field + "[" + i + "]", e + " is listed twice");
            }
        }
        return epsilons.stream().sorted().toList();
    }

    static String label(String label, String fallback) {
        if (label != null && label.isBlank()) {
            throw new SpecException("label", "must not be blank");
        }
        return label != null ? label : fallback;
    }

    static String targetSuffix(Object target) {
        return target == null ? "" : " -> " + target;
    }
}
