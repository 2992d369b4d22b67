package advbench.experiment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import advbench.UserError;
import advbench.attack.Pgd;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** bench run --set and a sweep's variants: dotted keys change the file's tree, and are checked like the file. */
class FieldOverrideTest {
    static final String BASE = """
            name: t
            seed: 3
            dataset:
              name: mnist
            model:
              architecture: mlp
              epochs: 1
            attacks:
              - type: fgsm
              - type: pgd
                steps: 10
            epsilons: [0.0, 0.1]
            """;

    static ExperimentSpec parse(String... assignments) {
        return ExperimentLoader.parse("x.yaml", BASE, FieldOverride.parseAll(List.of(assignments)));
    }

    @Test
    void overridesChangeFieldsListItemsAndWholeListsAndMakeSections() {
        ExperimentSpec s = parse("seed=7", "model.epochs=3", "model.architecture=small-cnn", "attacks[1].steps=20",
                "epsilons=[0, 0.05, 0.2]", "evaluation.batch_size=100");
        assertEquals(7, s.seed());
        assertEquals(3, s.model().epochs());
        assertEquals("small-cnn", s.model().architecture());
        assertEquals(20, ((Pgd.Spec) s.attacks().get(1)).steps());
        assertEquals(List.of(0.0, 0.05, 0.2), s.epsilons());
        assertEquals(100, s.evaluation().batchSize()); // the file has no evaluation section: it is made
        assertEquals(ExperimentLoader.parse("x.yaml", BASE), parse(), "no override, the file as it is");
        // the resolved config carries the overrides and reads back alone
        assertEquals(s, ExperimentLoader.parse("config.yaml", ExperimentLoader.resolvedConfig(s)));
    }

    /** A bad override is one line naming the override as the user wrote it; the file's own errors keep their line. */
    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "model.epoch=3|--set model.epoch=3: model.epoch: unknown field 'epoch'",
        "model.epochs=-1|--set model.epochs=-1: model.epochs:",
        "seed=abc|--set seed=abc: seed: expected a whole number",
        "attacks[5].steps=3|--set attacks[5].steps=3: attacks has 2 items in the file, so there is no [5]",
        "attacks[0].type=nope|--set attacks[0].type=nope: attacks[0]: unknown attack type 'nope'",
        "seed.x=1|--set seed.x=1: seed is not a section with fields",
        "model|--set model: expected KEY=VALUE",
        "=3|--set =3: expected KEY=VALUE",
        "Model.Epochs=3|--set Model.Epochs=3: 'Model.Epochs' is not a key",
        "model..epochs=3|--set model..epochs=3: 'model..epochs' is not a key",
        "model.epochs=|--set model.epochs=: no value after '='",
        "model.epochs=1e999|--set model.epochs=1e999:",
        "model={a: 1}|--set model={a: 1}: the value must be a number, a string, true/false or a list",
        "epsilons=[0.1|--set epsilons=[0.1: the value is not valid YAML",
    })
    void badOverridesAreNamedAsWritten(String assignment, String expected) {
        UserError e = assertThrows(UserError.class, () -> parse(assignment));
        assertEquals(true, e.getMessage().startsWith(expected), e.getMessage());
    }

    @Test
    void aKeySetTwiceIsRefusedAndTheFilesOwnErrorsKeepTheirLine() {
        UserError twice = assertThrows(UserError.class, () -> parse("seed=1", "seed=2"));
        assertEquals("--set seed=2: seed is set twice", twice.getMessage());
        UserError file = assertThrows(UserError.class, () -> ExperimentLoader.parse("x.yaml", BASE.replace("epochs: 1", "epochs: 0"),
                FieldOverride.parseAll(List.of("seed=9"))));
        assertEquals(true, file.getMessage().startsWith("x.yaml:7: model.epochs:"), file.getMessage());
    }
}
