package advbench.figures;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import advbench.UserError;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Lengths, attack picks, epsilon text and LaTeX escaping: the small parsers behind the options. */
class FigureUnitsTest {

    @Test
    void lengthsConvertToPoints() {
        assertEquals(237.6, Length.parse("3.3in", "--width", 36, 2880).points(), 1e-9);
        assertEquals(240, Length.parse("240pt", "--width", 36, 2880).points(), 1e-9);
        assertEquals(72, Length.parse("2.54cm", "--width", 36, 2880).points(), 1e-9);
        assertEquals(72, Length.parse("25.4 mm", "--width", 36, 2880).points(), 1e-9);
        assertEquals(990, FigureFormat.pixels(237.6, 300), "3.3 in at 300 dpi");
        UserError e = assertThrows(UserError.class, () -> Length.parse("3.3", "--width", 36, 2880));
        assertTrue(e.getMessage().startsWith("--width: expected a length with a unit"), e.getMessage());
        e = assertThrows(UserError.class, () -> Length.parse("100in", "--height", 36, 2880));
        assertTrue(e.getMessage().startsWith("--height: must be between"), e.getMessage());
    }

    @Test
    void attackPicksSplitAtTheLastAt() {
        assertEquals(new AttackPick("PGD-40", 0.3), AttackPick.parse("PGD-40@0.3", "--confusion"));
        assertEquals(new AttackPick("a@b", 0.1), AttackPick.parse("a@b@0.1", "--confusion"));
        assertEquals("pgd-40-least-likely_eps0.3", AttackPick.parse("PGD-40 -> least-likely@0.30", "--confusion").slug());
        for (String bad : List.of("FGSM", "@0.1", "FGSM@", "FGSM@-1", "FGSM@x")) {
            assertThrows(UserError.class, () -> AttackPick.parse(bad, "--confusion"), bad);
        }
    }

    @Test
    void latexSpecialCharactersAreEscaped() {
        assertEquals("PGD\\_40 \\& 5\\% \\$x\\$ \\{\\} \\#1 \\textasciitilde{}", AccuracyTable.escape("PGD_40 & 5% $x$ {} #1 ~"));
    }
}
