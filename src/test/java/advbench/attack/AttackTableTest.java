package advbench.attack;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * The table of attacks in docs/attacks.md is the registry's: a registered attack without its row,
 * or a row whose defaults or parameters changed, fails here, with the command that rewrites it.
 */
class AttackTableTest {
    static final String BEGIN = "<!-- attack-table:begin -->";
    static final String END = "<!-- attack-table:end -->";

    @Test
    void docsHoldTheRegistrysTable() throws IOException {
        String docs = Files.readString(Path.of("docs/attacks.md"));
        int begin = docs.indexOf(BEGIN);
        int end = docs.indexOf(END);
        assertTrue(begin >= 0 && end > begin, "docs/attacks.md lost its attack-table markers");
        String table = docs.substring(begin + BEGIN.length(), end).strip();
        assertEquals(Attacks.table().strip(), table, "docs/attacks.md's table of attacks is not the registry's:"
                + " run scripts/bench attacks --docs docs/attacks.md");
    }

    @Test
    void everyRegisteredAttackHasARowWithItsDefaultLabel() {
        String table = Attacks.table();
        Attacks.entries().forEach((type, e) -> assertTrue(table.contains("| `" + type + "` | " + e.summary() + " | "), type));
        assertTrue(table.contains("| `pgd` |") && table.contains("| PGD-40 |"), table);
    }
}
