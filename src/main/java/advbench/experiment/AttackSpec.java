package advbench.experiment;

import advbench.attack.Attack;
import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;

/**
 * One entry of the experiment's {@code attacks} list; {@code type} picks the record. To add an
 * attack: write it in {@code advbench.attack}, add a record here that validates its parameters
 * and builds it, and register the record's type name below.
 */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "type")
@JsonSubTypes({
        @JsonSubTypes.Type(value = FgsmSpec.class, name = "fgsm"),
})
public sealed interface AttackSpec permits FgsmSpec {

    /** The attack object, parameters already validated. */
    Attack build();
}
