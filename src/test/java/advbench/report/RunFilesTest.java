package advbench.report;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The small formats of a run folder's files. */
class RunFilesTest {

    @Test
    void epsilonsReadAsWritten() {
        assertEquals("0", Epsilons.format(0.0));
        assertEquals("0.05", Epsilons.format(0.05));
        assertEquals("2", Epsilons.format(2.0));
        assertTrue(Epsilons.same(0.1 + 0.2, 0.3));
    }

    /** predictions.csv reads back what was written, attack names with commas and quotes included. */
    @Test
    void predictionsCsvRoundTrips(@org.junit.jupiter.api.io.TempDir java.nio.file.Path tmp) throws java.io.IOException {
        var columns = new java.util.LinkedHashMap<SavedPredictions.Column, int[]>();
        columns.put(new SavedPredictions.Column("PGD-40, \"strong\"", 0.3), new int[] {4, 1});
        columns.put(new SavedPredictions.Column("FGSM", 0.05), new int[] {2, 2});
        SavedPredictions saved = new SavedPredictions(List.of(
                new SavedPredictions.ModelPredictions("baseline", new int[] {2, 1}, new int[] {2, 1}, columns)));
        java.nio.file.Path file = tmp.resolve(SavedPredictions.FILE);
        java.nio.file.Files.writeString(file, saved.toCsv());
        SavedPredictions read = SavedPredictions.read(file);
        assertEquals(saved.toCsv(), read.toCsv());
        assertArrayEquals(new int[] {2, 2}, read.models().get(0).predicted(new SavedPredictions.Column("FGSM", 0.05)));
        assertArrayEquals(new int[] {2, 1}, read.models().get(0).labels());
        assertArrayEquals(new int[] {4, 1}, read.models().get(0).predicted(new SavedPredictions.Column("PGD-40, \"strong\"", 0.3)));
    }

    /** loss-traces.csv reads back every model's traces as written, and a broken file is one user error naming its line. */
    @Test
    void lossTracesCsvRoundTripsAndRefusesBrokenFiles(@org.junit.jupiter.api.io.TempDir java.nio.file.Path tmp) throws java.io.IOException {
        var pgd = new advbench.eval.LossTrace("PGD-40, \"long\"", 0.3, new int[] {7, 2},
                new float[][] {{-0.5f, 1e-6f, 2.25f}, {0f, 0f, 0f}}, new boolean[][] {{false, false, true}, {false, false, false}});
        var apgd = new advbench.eval.LossTrace("APGD-CE", 0.1, new int[] {3}, new float[][] {{1f, 2f}}, new boolean[][] {{true, true}});
        var byModel = new java.util.LinkedHashMap<String, List<advbench.eval.LossTrace>>();
        byModel.put("baseline", List.of(pgd, apgd));
        byModel.put("pgd", List.of());
        byModel.put("trades", List.of(apgd));
        java.nio.file.Path file = tmp.resolve(SavedLossTraces.FILE);
        String csv = SavedLossTraces.toCsv(byModel);
        assertEquals(1 + 6 + 2 + 2, csv.split("\n").length, "a header and one row per sample and iterate");
        java.nio.file.Files.writeString(file, csv);
        var read = SavedLossTraces.read(file);
        assertEquals(List.of("baseline", "trades"), List.copyOf(read.keySet()));
        var back = read.get("baseline").get(0);
        assertEquals(pgd.attack(), back.attack());
        assertEquals(0.3, back.epsilon());
        assertArrayEquals(new int[] {7, 2}, back.samples());
        assertArrayEquals(pgd.loss()[0], back.loss()[0]);
        assertArrayEquals(pgd.success()[0], back.success()[0]);
        assertTrue(back.everSucceeded(0));
        assertEquals(false, back.everSucceeded(1));
        assertEquals(null, SavedLossTraces.toCsv(java.util.Map.of("baseline", List.of())));

        String header = String.join(",", SavedLossTraces.COLUMNS) + "\n";
        java.util.Map<String, String> broken = java.util.Map.of(
                "model,attack\n", "line 1: expected the columns",
                header + "baseline,PGD,0.3,1,0,0.5\n", "line 2: 6 cells, expected 7",
                header + "baseline,PGD,0.3,1,0,abc,0\n", "line 2: epsilon, sample, step and loss must be numbers",
                header + "baseline,PGD,0.3,1,0,0.5,yes\n", "line 2: fooled must be 0 or 1",
                header + "baseline,PGD,0.3,1,1,0.5,0\n", "line 2: sample 1 starts at step 1, not 0",
                header + "baseline,PGD,0.3,1,0,0.5,0\nbaseline,PGD,0.3,1,2,0.5,0\n", "line 3: step 2 of sample 1 is out of order");
        for (var e : broken.entrySet()) {
            java.nio.file.Files.writeString(file, e.getKey());
            advbench.UserError error = org.junit.jupiter.api.Assertions.assertThrows(advbench.UserError.class, () -> SavedLossTraces.read(file));
            assertTrue(error.getMessage().contains(e.getValue()), error.getMessage());
        }
    }

    @Test
    void csvCellsAreQuotedWhenTheyHoldCommasQuotesOrLineBreaks() {
        assertEquals(List.of("a,b", "c\"d", ""), SavedPredictions.split("\"a,b\",\"c\"\"d\","));
        assertEquals("\"a,b\"", SavedPredictions.quote("a,b"));
        assertEquals("\"x\ny\"", MetricsCsv.quote("x\ny"));
    }
}
