package advbench.attack;

import advbench.SpecException;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/** Checks shared by the attacks' spec records; every error names the attack type and the field. */
public final class ParamChecks {
    private ParamChecks() {}

    public static int steps(String type, Integer steps, int fallback) {
        int s = steps == null ? fallback : steps;
        if (s < 1 || s > SpecException.MAX_STEPS) {
            throw new SpecException("steps", type + " steps must be at least 1 and at most " + SpecException.MAX_STEPS + ", got " + s);
        }
        return s;
    }

    public static int restarts(String type, Integer restarts) {
        int r = restarts == null ? 1 : restarts;
        if (r < 1 || r > 10_000) {
            throw new SpecException("restarts", type + " restarts must be at least 1 and at most 10000, got " + r);
        }
        return r;
    }

    /** Exactly one of step_size (absolute) or rel_step_size (times epsilon), or neither (the attack's default), each positive. */
    public static void stepSize(String type, Double absolute, Double relative) {
        if (absolute != null && relative != null) {
            throw new SpecException("step_size", type + ": give step_size or rel_step_size, not both");
        }
        if (absolute != null && !(absolute > 0 && Double.isFinite(absolute))) {
            throw new SpecException("step_size", type + " step_size (alpha) must be positive, got " + absolute);
        }
        if (relative != null && !(relative > 0 && Double.isFinite(relative))) {
            throw new SpecException("rel_step_size", type + " rel_step_size must be positive, got " + relative);
        }
    }

    /**
     * The rel_step_size a longer run of the same attack is written with: the given one, or, where
     * neither step size was given, the default share of the steps pinned, so the step stays the same.
     */
    public static Double pinnedRelative(Double absolute, Double relative, double defaultRelative) {
        return absolute == null && relative == null ? Double.valueOf(defaultRelative) : relative;
    }

    /**
     * least-likely, random, or a class number (0 or more); null means untargeted. Whether a class
     * number is a class of the data is checked once the data is loaded ({@link AttackSpec#checkAgainst}).
     */
    public static Object target(String type, Object target) {
        if (target == null || "least-likely".equals(target) || "random".equals(target)) {
            return target;
        }
        if (target instanceof Integer c) {
            if (c < 0) {
                throw new SpecException("target", type + " target class must be 0 or more, got " + c);
            }
            return target;
        }
        throw new SpecException("target", type + " target must be least-likely, random or a class number, got '" + target + "'");
    }

    /** linf (the default) or l2. */
    public static Norm norm(String type, String norm) {
        Norm n;
        try {
            n = norm == null ? Norm.LINF : Norm.parse(norm);
        } catch (IllegalArgumentException e) {
            n = null;
        }
        if (n == null || n == Norm.L1) {
            throw new SpecException("norm", type + ": unknown norm '" + norm + "'; expected linf or l2" + (n == null ? "" : " (l1 is for fmn only)"));
        }
        return n;
    }

    /** linf (the default), l2 or l1: for an attack that can search in L1 (FMN). */
    public static Norm normOrL1(String type, String norm) {
        if (norm == null) {
            return Norm.LINF;
        }
        try {
            return Norm.parse(norm);
        } catch (IllegalArgumentException e) {
            throw new SpecException("norm", type + ": unknown norm '" + norm + "'; expected linf, l2 or l1");
        }
    }

    /** How a norm is written in experiment files. */
    public static String normName(Norm norm) {
        return switch (norm) {
            case LINF -> "linf";
            case L2 -> "l2";
            case L1 -> "l1";
        };
    }

    /** How a multi-target attack orders its targets: logit (the reference's, the default) or malt; also how it is written back. */
    public static String targetOrder(String type, String targets) {
        if (targets == null || targets.equals("logit") || targets.equals("malt")) {
            return targets == null ? "logit" : targets;
        }
        throw new SpecException("targets", type + ": unknown targets '" + targets + "'; expected logit (by clean logit, the"
                + " reference's order) or malt (by MALT's estimated distance to each class's boundary)");
    }

    /** " (MALT)" for MALT's target order, so two attacks that differ only in it get two labels. */
    public static String targetOrderSuffix(String targets) {
        return targets.equals("malt") ? " (MALT)" : "";
    }

    /** ce (cross-entropy, the default) or margin (Carlini-Wagner); also how it is written back. */
    public static String lossName(String type, String loss) {
        if (loss == null || loss.equals("ce") || loss.equals("margin")) {
            return loss == null ? "ce" : loss;
        }
        throw new SpecException("loss", type + ": unknown loss '" + loss + "'; expected ce (cross-entropy) or margin");
    }

    /** " (margin)" for a non-default loss, so two attacks that differ only in loss get two labels. */
    public static String lossSuffix(String name) {
        return name.equals("ce") ? "" : " (" + name + ")";
    }

    /**
     * Sorted, distinct, each finite and at least 0, and at most 1 for L-inf (pixel scale); an L2
     * budget is bounded by the image size, checked once the data is loaded. Null stays null (the
     * experiment's list applies).
     */
    public static List<Double> epsilons(List<Double> epsilons, Norm norm, String field) {
        if (epsilons == null) {
            return null;
        }
        if (epsilons.isEmpty()) {
            throw new SpecException(field, "must list at least one epsilon");
        }
        Set<Double> seen = new HashSet<>();
        for (int i = 0; i < epsilons.size(); i++) {
            Double e = epsilons.get(i);
            boolean ok = e != null && e >= 0 && (norm != Norm.LINF ? Double.isFinite(e) : e <= 1);
            if (!ok) {
                throw new SpecException(field + "[" + i + "]", (norm != Norm.LINF
                        ? "must be a finite number >= 0 (" + norm.label() + ", pixel scale)" : "must be a number in [0, 1] (L-inf, pixel scale)")
                        + ", got " + e);
            }
            if (!seen.add(e)) {
                throw new SpecException(field + "[" + i + "]", e + " is listed twice");
            }
        }
        return epsilons.stream().sorted().toList();
    }

    public static String label(String label, String fallback) {
        if (label != null && label.isBlank()) {
            throw new SpecException("label", "must not be blank");
        }
        return label != null ? label : fallback;
    }

    public static String targetSuffix(Object target) {
        return target == null ? "" : " -> " + target;
    }
}
