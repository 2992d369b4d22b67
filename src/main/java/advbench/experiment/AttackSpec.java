package advbench.experiment;

import advbench.attack.Attack;
import advbench.attack.Norm;
import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import java.util.List;

/**
 * One entry of the experiment's {@code attacks} list; {@code type} picks the record. To add an
 * attack: write it in {@code advbench.attack}, add a record here that validates its parameters
 * and builds it, and register the record's type name below.
 */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "type")
@JsonSubTypes({
        @JsonSubTypes.Type(value = FgsmSpec.class, name = FgsmSpec.TYPE),
        @JsonSubTypes.Type(value = BimSpec.class, name = BimSpec.TYPE),
        @JsonSubTypes.Type(value = PgdSpec.class, name = PgdSpec.TYPE),
        @JsonSubTypes.Type(value = MiFgsmSpec.class, name = MiFgsmSpec.TYPE),
})
public sealed interface AttackSpec permits FgsmSpec, BimSpec, PgdSpec, MiFgsmSpec {

    /** How the attack is named in tables, plots and logs; unique within an experiment. */
    String label();

    /** The attack's own epsilons, or null to use the experiment's list. */
    List<Double> epsilons();

    @JsonIgnore
    Norm epsilonNorm();

    /** The attack object; {@code seed} drives its random starts and random targets. */
    Attack build(int seed);
}
