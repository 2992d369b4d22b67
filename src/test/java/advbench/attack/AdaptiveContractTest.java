package advbench.attack;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import advbench.SpecException;
import advbench.TestFixtures;
import advbench.data.DataShape;
import advbench.data.LabeledImages;
import advbench.eval.EpsilonSweeper;
import advbench.eval.Sweep;
import advbench.experiment.AttackEntry;
import advbench.experiment.ExperimentLoader;
import advbench.experiment.ModelSpec;
import advbench.model.Classifier;
import advbench.model.Classifiers;
import advbench.model.Engines;
import advbench.model.InputTransform;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The attack contract for the adaptive options of #31, by registration: every registered attack
 * that takes {@code bpda} (each gradient attack) run with {@code bpda: identity} against the
 * synthetic model behind bit-depth reduction, and every one that takes {@code source} run as a
 * transfer from the undefended network to the defended one, at the fast tier's cheap budgets. A
 * type the options refuse is skipped here; ExperimentLoaderTest checks that the refusal is a
 * clear one.
 */
class AdaptiveContractTest extends AttackContract {
    static final InputTransform DEFENCE = new InputTransform.BitDepth(3);

    /** The transfer sources, one undefended network per image shape. */
    private final Map<DataShape, Classifier> sources = new HashMap<>();

    static ModelSpec sourceSpec() {
        try {
            return ExperimentLoader.YAML.readValue("{architecture: small-cnn}", ModelSpec.class);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Each registered type at its cheap budget with an option, where the type takes it. */
    static List<AttackSpec> entries() {
        List<AttackSpec> out = new ArrayList<>();
        for (String type : Attacks.types().keySet()) {
            AttackSpec cheap = spec(AttackContractTest.cheap(type));
            for (boolean transfer : new boolean[] {false, true}) {
                try {
                    out.add(AttackEntry.of(type, cheap, transfer ? null : "identity", transfer ? sourceSpec() : null));
                } catch (SpecException refused) {
                    // not an option of this type (gradient-free, an ensemble, a search that stops at its first success)
                }
            }
        }
        return out;
    }

    @Override
    Stream<String> attacks() {
        throw new UnsupportedOperationException("entries are built, not read");
    }

    @Override
    Stream<AttackSpec> specs() {
        return entries().stream();
    }

    @Override
    Classifier trainedModel() {
        return TestFixtures.synthetic().model().defendedBy(DEFENCE);
    }

    @Override
    LabeledImages testImages() {
        return TestFixtures.synthetic().test().first(24);
    }

    @Override
    Classifier evaluated(Classifier fresh) {
        return fresh.defendedBy(DEFENCE);
    }

    @Override
    Attack attackOf(AttackSpec spec, Classifier evaluated) {
        if (spec instanceof AttackEntry e && e.source() != null) {
            return e.build(SEED, sources.computeIfAbsent(evaluated.shape(), shape -> {
                if (shape.equals(TestFixtures.synthetic().model().shape())) {
                    return TestFixtures.synthetic().model();
                }
                Engines.seed(9);
                return Classifiers.create("small-cnn", shape);
            }));
        }
        return spec.build(SEED);
    }

    /** Both options are there for BPDA and transfer alike, and every type that takes one is listed. */
    @ParameterizedTest
    @MethodSource("specs")
    void theEntryNamesWhatChanges(AttackSpec spec) {
        AttackEntry e = assertInstanceOf(AttackEntry.class, spec);
        assertTrue(e.bpda() != null ? e.label().startsWith("BPDA-") : e.label().endsWith("(transfer)"), e.label());
        assertEquals(e.attack().epsilonNorm(), e.epsilonNorm());
        assertTrue(entries().stream().filter(x -> ((AttackEntry) x).bpda() != null).count() >= 10, "every gradient attack takes bpda");
    }

    /** In place of the record checks: an unknown BPDA mode is refused, and a negative epsilon names the attack. */
    @Override
    @ParameterizedTest
    @MethodSource("specs")
    void badParametersAreRefusedNamingTheParameter(AttackSpec spec) {
        AttackEntry e = (AttackEntry) spec;
        String type = Attacks.types().entrySet().stream().filter(x -> x.getValue() == e.attack().getClass()).findFirst().orElseThrow().getKey();
        assertThrows(IllegalArgumentException.class, () -> AttackEntry.of(type, e.attack(), "sideways", null));
        Attack attack = attackOf(spec, model);
        IllegalArgumentException x = assertThrows(IllegalArgumentException.class,
                () -> EpsilonSweeper.run(attack, model, batch, List.of(0.1, -0.1), Sweep.FAST));
        assertTrue(x.getMessage().contains("epsilon"), x.getMessage());
    }

    /** In place of the record comparison: the longer run is the same entry around the attack's own longer run. */
    @Override
    @ParameterizedTest
    @MethodSource("specs")
    void twiceTheStepsIsTheSameAttackWithTwiceTheIterations(AttackSpec spec) {
        AttackEntry e = (AttackEntry) spec;
        AttackSpec inner = e.attack().twiceTheSteps();
        AttackSpec longer = e.twiceTheSteps();
        if (inner == null) {
            assertEquals(null, longer);
            return;
        }
        AttackEntry l = assertInstanceOf(AttackEntry.class, longer);
        assertEquals(inner, l.attack());
        assertEquals(e.bpda(), l.bpda());
        assertEquals(e.source(), l.source());
        assertEquals(e.label(), l.label());
    }
}
