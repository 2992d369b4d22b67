package advbench.attack;

import advbench.SpecException;
import advbench.data.DataShape;
import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import java.util.List;

/**
 * One entry of an experiment file's {@code attacks} list: an attack's parameters as written, checked
 * when read (each record's constructor throws a {@link SpecException} naming the field), and the
 * attack they build. {@code type} picks the record; {@link Attacks} maps type names to records.
 */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "type")
public interface AttackSpec {

    /** How the attack is named in tables, plots and logs; unique within an experiment. */
    String label();

    /** The attack's own epsilons, or null to use the experiment's list. */
    List<Double> epsilons();

    /** least-likely, random, a class number, or null when untargeted. */
    Object target();

    /** The norm its epsilons are measured in; L-inf unless the attack says otherwise. */
    @JsonIgnore
    default Norm epsilonNorm() {
        return Norm.LINF;
    }

    /**
     * The same attack given twice its iterations (steps, or queries for a random search): what
     * the convergence indicator runs to see whether more effort changes the answer. A fixed step
     * size stays what it was, also where it defaults to a share of the steps (PGD's 2.5 eps /
     * steps), so the longer run goes on where the shorter one stopped instead of taking the same
     * path in smaller steps; attacks that adapt their step to the budget (APGD, FMN) keep
     * adapting. Null for a single-step attack.
     */
    default AttackSpec twiceTheSteps() {
        return null;
    }

    /** Twice {@code n}, at most {@code max}. */
    static int twice(int n, int max) {
        return (int) Math.min(2L * n, max);
    }

    /** The attack object; {@code seed} drives its random starts and random targets. */
    Attack build(long seed);

    /**
     * Checks what only the data can tell: a fixed target must be one of its classes, and an L2 or L1
     * budget at most the largest distance between two of its images.
     */
    default void checkAgainst(DataShape shape, List<Double> sweep) {
        if (target() instanceof Integer c && c >= shape.classes()) {
            throw new SpecException("target", "class " + c + " is not a class of the data, which has " + shape.classes()
                    + " (0-" + (shape.classes() - 1) + ")");
        }
        if (epsilonNorm() != Norm.LINF) {
            double max = epsilonNorm() == Norm.L2 ? shape.maxL2() : shape.pixelsPerImage();
            for (int i = 0; i < sweep.size(); i++) {
                if (sweep.get(i) > max + 1e-9) {
                    throw new SpecException("epsilons[" + i + "]", String.format(java.util.Locale.ROOT,
                            "%s is more than %.4g, the largest %s distance between two %s images in [0, 1]",
                            sweep.get(i), max, epsilonNorm().label(), shape.describeImage()));
                }
            }
        }
    }
}
