package advbench.cli;

import advbench.RunFailure;
import advbench.SpecException;
import advbench.UserError;
import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * {@code bench}: the entry point. Subcommands parse their arguments and hand over to one runner;
 * this class only maps outcomes to exit codes: 0 success, 1 the run failed, 2 the command or
 * the experiment file is wrong (one line, no stack trace unless --verbose).
 */
@Command(name = "bench", mixinStandardHelpOptions = true, versionProvider = BenchCommand.Version.class,
        description = "Adversarial robustness workbench: train, attack, and report from an experiment file.",
        subcommands = {RunCommand.class, AutoAttackCommand.class, VerifyCommand.class, ReferenceCommand.class, BenchmarkCommand.class, AttacksCommand.class,
                FiguresCommand.class, SweepCommand.class, CommandLine.HelpCommand.class})
public final class BenchCommand implements Runnable {
    public static final int USER_ERROR = 2;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "missing a subcommand (try: bench run experiments/fgsm.yaml)");
    }

    public static void main(String[] args) {
        int code;
        try {
            code = execute(args);
        } catch (OutOfMemoryError e) { // an Error: picocli lets it through
            System.err.println("failed: out of memory; give the JVM more (BENCH_JVM_OPTS=-Xmx12g, say) or use a smaller data subset");
            code = 1;
        }
        System.exit(code);
    }

    public static int execute(String... args) {
        CommandLine cli = new CommandLine(new BenchCommand());
        cli.setParameterExceptionHandler((ex, a) -> {
            PrintWriter err = ex.getCommandLine().getErr();
            err.println(oneLine("error: " + ex.getMessage() + " (see '" + ex.getCommandLine().getCommandSpec().qualifiedName() + " --help')"));
            return USER_ERROR;
        });
        cli.setExecutionExceptionHandler((ex, cmd, parsed) -> {
            PrintWriter err = cmd.getErr();
            boolean verbose = verbose(parsed);
            int code = ex instanceof UserError || ex instanceof SpecException ? USER_ERROR : 1;
            err.println(oneLine(describe(ex, verbose)));
            if (verbose) {
                ex.printStackTrace(err);
            }
            return code;
        });
        return cli.execute(args);
    }

    /** Whether --verbose was given to the command or any of its subcommands (where it is declared). */
    static boolean verbose(CommandLine.ParseResult parsed) {
        for (CommandLine.ParseResult p = parsed; p != null; p = p.subcommand()) {
            if (p.hasMatchedOption("--verbose")) {
                return true;
            }
        }
        return false;
    }

    /**
     * The one line for a failure: the user's mistake (exit 2), a failure the user can act on (exit
     * 1: training diverged, a file could not be written, memory ran out), or a bug (exit 1, with
     * the exception, whose stack trace --verbose shows).
     */
    static String describe(Exception ex, boolean verbose) {
        if (ex instanceof UserError) {
            return "error: " + ex.getMessage();
        }
        if (ex instanceof SpecException s) { // a value checked outside an experiment file's loader
            return "error: " + s.field() + ": " + s.getMessage();
        }
        if (ex instanceof RunFailure) {
            return "failed: " + ex.getMessage();
        }
        for (Throwable t = ex; t != null; t = t.getCause()) {
            if (t instanceof java.io.UncheckedIOException io) {
                // our own message says what was being done ("cannot write ..."); one made from the cause alone names its class
                Throwable cause = io.getCause();
                if (cause == null || !io.getMessage().equals(cause.toString())) {
                    return "failed: " + io.getMessage() + (cause == null ? "" : " (" + advbench.Errors.reason(cause) + ")");
                }
                return "failed: " + advbench.Errors.describe(cause);
            }
            if (t instanceof java.io.IOException io) {
                return "failed: " + advbench.Errors.describe(io);
            }
            if (t instanceof OutOfMemoryError) {
                return "failed: out of memory; give the JVM more (BENCH_JVM_OPTS=-Xmx12g, say) or use a smaller data subset";
            }
        }
        // a bug: the exception is the information a report needs
        return "failed: a bug: " + ex + (verbose ? "" : " (run with --verbose for the stack trace, and please report it)");
    }

    /** Messages may carry a file name or an exception's text with line breaks: the user gets one line. */
    static String oneLine(String message) {
        return message.replaceAll("[\\r\\n]+", " ").strip();
    }

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String v = BenchCommand.class.getPackage().getImplementationVersion();
            return new String[] {"bench " + (v == null ? "dev" : v)};
        }
    }
}
