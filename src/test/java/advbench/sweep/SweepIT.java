package advbench.sweep;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import advbench.RunLog;
import advbench.UserError;
import advbench.attack.Pgd;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Sweep files expand into checked variants; a local sweep runs them as processes, skips what is done and shares the model cache. */
class SweepIT {
    static final String BASE = """
            name: tiny
            seed: 1
            dataset:
              name: mnist
              train_subset: 600
              test_subset: 60
            model:
              architecture: small-cnn
              epochs: 1
              batch_size: 32
            attacks:
              - type: fgsm
              - type: pgd
                steps: 3
            epsilons: [0.0, 0.1]
            evaluation:
              batch_size: 60
              indicator_samples: 0
            outputs:
              grid_samples: 2
            """;

    @TempDir
    Path tmp;

    Path sweep(String text) throws IOException {
        Files.writeString(tmp.resolve("base.yaml"), BASE);
        return Files.writeString(tmp.resolve("s.yaml"), text);
    }

    @Test
    void seedsTimesGridInOrderEachVariantReadLikeAnExperiment() throws IOException {
        SweepPlan plan = SweepPlan.of(sweep("""
                base: base.yaml
                seeds: [4, 5, 6]
                grid:
                  model.architecture: [small-cnn, mlp]
                  attacks[1].steps: [3, 7]
                """), tmp.resolve("results"));
        assertEquals(12, plan.variants().size());
        Variant v = plan.variants().get(7); // cell 2 of 4 (small-cnn... no: mlp, 3), seed index 1
        assertEquals("seed=5 model.architecture=mlp attacks[1].steps=3", plan.variants().get(7).label());
        assertEquals(5, v.spec().seed());
        assertEquals("mlp", v.spec().model().architecture());
        assertEquals(3, ((Pgd.Spec) v.spec().attacks().get(1)).steps());
        assertEquals("seed=4 model.architecture=small-cnn attacks[1].steps=3", plan.variants().get(0).label());
        assertEquals("seed=6 model.architecture=mlp attacks[1].steps=7", plan.variants().get(11).label());
        assertEquals(tmp.resolve("results/sweeps/s"), plan.folder());
        plan.write();
        assertTrue(Files.isRegularFile(plan.variantDir(11).resolve("experiment.yaml")));
        assertEquals("variant,seed,model.architecture,attacks[1].steps", Files.readAllLines(plan.folder().resolve("variants.csv")).get(0));
        assertEquals("7,5,mlp,3", Files.readAllLines(plan.folder().resolve("variants.csv")).get(8));
        // the same file again is the same sweep; an edited one is refused before it mixes with the old runs
        SweepPlan.of(tmp.resolve("s.yaml"), tmp.resolve("results")).write();
        Files.writeString(tmp.resolve("s.yaml"), Files.readString(tmp.resolve("s.yaml")).replace("[3, 7]", "[3, 8]"));
        UserError e = assertThrows(UserError.class, () -> SweepPlan.of(tmp.resolve("s.yaml"), tmp.resolve("results")).write());
        assertTrue(e.getMessage().contains("holds another version of this sweep"), e.getMessage());
    }

    @Test
    void withoutSeedsTheBasesSeedRunsOnce() throws IOException {
        SweepPlan plan = SweepPlan.of(sweep("base: base.yaml\ngrid:\n  model.epochs: [1, 2]\n"), tmp);
        assertEquals(List.of("model.epochs=1", "model.epochs=2"), plan.variants().stream().map(Variant::label).toList());
        assertEquals(1, plan.variants().get(1).spec().seed());
    }

    /** Every bad sweep is one line, naming the file and, for a bad variant, the grid value that made it. */
    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "base: nope.yaml|base: nope.yaml is not a file",
        "seeds: [1]|base: missing",
        "base: base.yaml\\nseeds: []|seeds: an empty list",
        "base: base.yaml\\nseeds: [1, 1]|seeds: each seed once",
        "base: base.yaml\\nseeds: [1]\\ngrid:\\n  seed: [2]|grid: seed is swept by seeds",
        "base: base.yaml\\ngrid:\\n  model.epochs: []|grid.model.epochs: give a list of at least one value",
        "base: base.yaml\\ngrid:\\n  model.epochs: [1, 0]|grid: model.epochs=0: model.epochs:",
        "base: base.yaml\\ngrid:\\n  model.archtecture: [mlp]|grid: model.archtecture=mlp: model.archtecture: unknown field",
        "base: base.yaml\\ngrid:\\n  Model: [mlp]|'Model' is not a key",
        "base: base.yaml\\nseed: [1]|unknown field 'seed'; a sweep file has base, seeds and grid",
        "base: base.yaml\\nseeds: [1, 2|not valid YAML",
        "''|empty",
    })
    void badSweepFilesAreOneLineBeforeAnythingRuns(String text, String expected) throws IOException {
        Path file = sweep(text.replace("\\n", "\n").replace("''", ""));
        UserError e = assertThrows(UserError.class, () -> SweepPlan.of(file, tmp.resolve("results")));
        assertTrue(e.getMessage().contains(expected), e.getMessage());
        assertTrue(!e.getMessage().contains("\n"), e.getMessage());
        assertTrue(!Files.exists(tmp.resolve("results")), "nothing written");
    }

    /**
     * Two variants that need the same trained model (same seed, the attack changed) run at once
     * as two processes, both train it into one empty cache: both finish, and the cache holds one
     * intact entry. A variant whose process died (no exit mark, its process gone) counts as
     * failed, and running the sweep again runs only it.
     */
    @Test
    void concurrentTasksShareTheModelCacheAndARerunFinishesOnlyWhatIsMissing() throws IOException {
        SweepPlan plan = SweepPlan.of(sweep("base: base.yaml\ngrid:\n  attacks[1].steps: [3, 4]\n"), tmp.resolve("results"));
        plan.write();
        Map<String, String> env = new HashMap<>(System.getenv());
        env.put("BENCH_CACHE", tmp.resolve("cache").toString());
        List<String> args = List.of("--results-dir", tmp.resolve("results").toString(), "--threads", "1");
        assertEquals(0, new LocalSweep(plan, RunLog.silent()).run(2, args, env));
        for (Variant v : plan.variants()) {
            assertEquals(VariantStatus.State.DONE, VariantStatus.of(plan, v).state(), VariantStatus.lastLine(plan.variantDir(v.index()).resolve("task.log")));
        }
        try (var entries = Files.list(tmp.resolve("cache/models"))) {
            List<Path> all = entries.toList();
            assertEquals(1, all.size(), all.toString()); // no temporary or damaged folder left behind
        }
        Path first = VariantStatus.of(plan, plan.variants().get(0)).runDir();

        // variant 1 "killed": its run never finished, its process is gone
        Files.delete(plan.variantDir(1).resolve(VariantStatus.RUN_PATH));
        Files.writeString(plan.variantDir(1).resolve(VariantStatus.STARTED), VariantStatus.host() + " 2147483646 2026-01-01T00:00:00Z\n");
        assertEquals(VariantStatus.State.FAILED, VariantStatus.of(plan, plan.variants().get(1)).state());
        assertEquals(0, new LocalSweep(plan, RunLog.silent()).run(2, args, env));
        assertEquals(first, VariantStatus.of(plan, plan.variants().get(0)).runDir(), "the done variant was not run again");
        assertEquals(VariantStatus.State.DONE, VariantStatus.of(plan, plan.variants().get(1)).state());
    }
}
