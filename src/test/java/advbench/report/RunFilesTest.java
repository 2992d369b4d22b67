package advbench.report;

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

    @Test
    void predictionsCsvRoundTripsQuotedAttackNames() {
        assertEquals(List.of("a,b", "c\"d", ""), SavedPredictions.split("\"a,b\",\"c\"\"d\","));
        assertEquals("\"a,b\"", SavedPredictions.quote("a,b"));
        assertEquals("\"x\ny\"", MetricsCsv.quote("x\ny"));
    }
}
