package advbench.cli;

import advbench.UserError;
import advbench.attack.Attacks;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code bench attacks}: the attacks an experiment file can name, as a Markdown table made from
 * the registry; with {@code --docs FILE}, that table is written between the markers of the file
 * (docs/attacks.md), so the documentation cannot drift from the code.
 */
@Command(name = "attacks", mixinStandardHelpOptions = true,
        description = "List the attack types an experiment file can name, with their default labels and parameters.")
final class AttacksCommand implements Callable<Integer> {
    static final String BEGIN = "<!-- attack-table:begin -->";
    static final String END = "<!-- attack-table:end -->";

    @Option(names = "--docs", paramLabel = "FILE", description = "write the table between the attack-table markers of FILE instead")
    Path docs;

    @Override
    public Integer call() {
        if (docs == null) {
            System.out.print(Attacks.table());
            return 0;
        }
        String text;
        try {
            text = Files.readString(docs, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UserError("--docs: " + docs + " cannot be read (" + advbench.Errors.reason(e) + ")");
        }
        int begin = text.indexOf(BEGIN);
        int end = text.indexOf(END);
        if (begin < 0 || end < begin) {
            throw new UserError("--docs: " + docs + " has no " + BEGIN + " ... " + END + " markers to write the table between");
        }
        String updated = withTable(text, Attacks.table());
        advbench.report.AtomicFile.write(docs, updated.getBytes(StandardCharsets.UTF_8));
        System.out.println(docs);
        return 0;
    }

    /** {@code text} with {@code table} between its markers. */
    static String withTable(String text, String table) {
        int begin = text.indexOf(BEGIN) + BEGIN.length();
        int end = text.indexOf(END);
        return text.substring(0, begin) + "\n" + table + text.substring(end);
    }
}
