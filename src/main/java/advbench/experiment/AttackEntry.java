package advbench.experiment;

import advbench.SpecException;
import advbench.attack.Attack;
import advbench.attack.AttackSpec;
import advbench.attack.Norm;
import advbench.attack.RedirectedAttack;
import advbench.data.DataShape;
import advbench.model.Bpda;
import advbench.model.Classifier;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.JsonSerializer;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.util.List;
import java.util.Set;

/**
 * An entry of the attacks list with what every attack may add to its own parameters: how it is
 * run against an adaptive evaluation's model (Athalye et al. 2018, Tramer et al. 2020).
 *
 * <ul>
 *   <li>{@code bpda: identity} or {@code approximation}: gradients through the model's input
 *       transformation by BPDA (its label gains "BPDA-");
 *   <li>{@code source:} a model section (an architecture trained here, a TorchScript file, an
 *       earlier run): the attack crafts on that model and the evaluated one judges (a transfer
 *       attack; its label gains "(transfer from ...)").
 * </ul>
 *
 * Read and written inline with the attack's own fields, so a file writes {@code bpda} next to
 * {@code steps}; the attack records themselves know nothing of it.
 */
public record AttackEntry(AttackSpec attack, String bpda, ModelSpec source, String label) implements AttackSpec {
    /** AutoAttack takes neither option as a whole: its components do, as attacks of their own. */
    static final String ENSEMBLE = "autoattack";
    /**
     * The attacks a transfer carries over: one gradient step, or an iterative ascent's last iterate.
     * Not the searches that stop at their first success or measure a norm on the model they search
     * (APGD, FAB, Square, the minimum-norm attacks): on the source, that point barely crosses the
     * source's boundary.
     */
    static final Set<String> TRANSFERABLE = Set.of("fgsm", "fgm", "rfgsm", "bim", "pgd", "mi-fgsm");
    static final Set<String> GRADIENT_FREE = Set.of("square", "hsja");

    public AttackEntry {
        if (bpda != null) {
            Bpda.parse(bpda); // an unknown value is refused here, naming the field
        }
    }

    /** The label tables and plots give it: the entry's own, else the attack's marked with what changes. */
    @Override
    public String label() {
        return label;
    }

    @Override
    public List<Double> epsilons() {
        return attack.epsilons();
    }

    @Override
    public Object target() {
        return attack.target();
    }

    @Override
    public Norm epsilonNorm() {
        return attack.epsilonNorm();
    }

    @Override
    public AttackSpec twiceTheSteps() {
        AttackSpec longer = attack.twiceTheSteps();
        return longer == null ? null : new AttackEntry(longer, bpda, source, label);
    }

    @Override
    public void checkAgainst(DataShape shape, List<Double> sweep) {
        attack.checkAgainst(shape, sweep);
    }

    /** The attack with BPDA; a transfer attack needs its source model, so it is built by {@link #build(long, Classifier)}. */
    @Override
    public Attack build(long seed) {
        Attack inner = attack.build(seed);
        return bpda == null ? inner : RedirectedAttack.bpda(label, inner, Bpda.parse(bpda));
    }

    /** The attack crafted on {@code sourceModel}, judged on the evaluated model. */
    public Attack build(long seed, Classifier sourceModel) {
        return source == null ? build(seed) : RedirectedAttack.transfer(label, attack.build(seed), sourceModel);
    }

    /**
     * The entry for {@code spec} with the options taken out of its YAML node ({@code bpda}, {@code
     * source}), or {@code spec} itself when it has none; checked against what the attack is.
     */
    public static AttackSpec of(String type, AttackSpec spec, String bpda, ModelSpec source) {
        if (bpda == null && source == null) {
            return spec;
        }
        if (type.equals(ENSEMBLE)) {
            throw new SpecException(bpda != null ? "bpda" : "source", "is not an option of autoattack: give it to its components"
                    + " (apgd, apgd-t, fab, square) as attacks of their own");
        }
        if (source != null && !TRANSFERABLE.contains(type)) {
            throw new SpecException("source", "is not an option of " + type + ": a transfer carries a gradient step or an ascent's"
                    + " last iterate (" + String.join(", ", new java.util.TreeSet<>(TRANSFERABLE)) + ")");
        }
        if (bpda != null && GRADIENT_FREE.contains(type)) {
            throw new SpecException("bpda", type + " uses no gradient: BPDA changes nothing for it");
        }
        if (bpda != null && source != null) {
            throw new SpecException("bpda", "give bpda or source, not both: a transfer attack takes the source model's own gradients");
        }
        String label = bpda != null ? "BPDA-" + spec.label() : spec.label() + " (transfer)";
        return new AttackEntry(spec, bpda, source, label);
    }

    /** Reads an attack entry: the options out of the node, the rest as the attack type's record. */
    static final class Reader extends JsonDeserializer<AttackSpec> {
        /** The list's element type carries a type id, which a collection reads by this path: it is ours to read. */
        @Override
        public Object deserializeWithType(JsonParser p, DeserializationContext ctxt,
                                          com.fasterxml.jackson.databind.jsontype.TypeDeserializer typeDeserializer) throws IOException {
            return deserialize(p, ctxt);
        }

        @Override
        public AttackSpec deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
            JsonNode node = ctxt.readTree(p);
            if (!(node instanceof ObjectNode object)) {
                return ctxt.readTreeAsValue(node, AttackSpec.class);
            }
            ObjectNode rest = object.deepCopy();
            // null is absent, as for every other field (--set attacks[1].bpda=null switches BPDA off)
            JsonNode bpda = absentIfNull(rest.remove("bpda"));
            JsonNode source = absentIfNull(rest.remove("source"));
            AttackSpec spec = ctxt.readTreeAsValue(rest, AttackSpec.class);
            ModelSpec sourceSpec;
            try {
                sourceSpec = source == null ? null : ctxt.readTreeAsValue(source, ModelSpec.class);
            } catch (com.fasterxml.jackson.databind.JsonMappingException e) {
                throw com.fasterxml.jackson.databind.JsonMappingException.wrapWithPath(e, object, "source");
            }
            try {
                if (bpda != null && !bpda.isTextual()) {
                    throw new SpecException("bpda", "expected identity or approximation");
                }
                return of(rest.path("type").asText(), spec, bpda == null ? null : bpda.asText(), sourceSpec);
            } catch (SpecException | IllegalArgumentException e) {
                // as a record's check is reported: the loader names the field and its line
                SpecException spec2 = e instanceof SpecException s ? s : new SpecException("bpda", e.getMessage());
                throw com.fasterxml.jackson.databind.exc.ValueInstantiationException.from(p, spec2.getMessage(),
                        ctxt.constructType(AttackSpec.class), spec2);
            }
        }
    }

    private static JsonNode absentIfNull(JsonNode node) {
        return node == null || node.isNull() ? null : node;
    }

    /** Writes an attack entry back inline: the attack's fields, then its options. */
    static final class Writer extends JsonSerializer<AttackSpec> {
        @Override
        public void serialize(AttackSpec value, JsonGenerator gen, SerializerProvider provider) throws IOException {
            if (!(value instanceof AttackEntry entry)) {
                provider.findTypedValueSerializer(value.getClass(), true, null).serialize(value, gen, provider);
                return;
            }
            ObjectNode node = ExperimentLoader.YAML.valueToTree(entry.attack());
            if (entry.bpda() != null) {
                node.put("bpda", entry.bpda());
            }
            if (entry.source() != null) {
                node.set("source", ExperimentLoader.YAML.valueToTree(entry.source()));
            }
            gen.writeTree(node);
        }

        /** The list's element type carries a type id; serialize writes it (an entry's node has the attack's own). */
        @Override
        public void serializeWithType(AttackSpec value, JsonGenerator gen, SerializerProvider provider,
                                      com.fasterxml.jackson.databind.jsontype.TypeSerializer typeSer) throws IOException {
            serialize(value, gen, provider);
        }
    }
}
