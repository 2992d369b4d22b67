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

    @Test
    void csvCellsAreQuotedWhenTheyHoldCommasQuotesOrLineBreaks() {
        assertEquals(List.of("a,b", "c\"d", ""), SavedPredictions.split("\"a,b\",\"c\"\"d\","));
        assertEquals("\"a,b\"", SavedPredictions.quote("a,b"));
        assertEquals("\"x\ny\"", MetricsCsv.quote("x\ny"));
    }
}
