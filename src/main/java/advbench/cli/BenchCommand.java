package advbench.cli;

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
        subcommands = {RunCommand.class, VerifyCommand.class, ReferenceCommand.class, BenchmarkCommand.class,
                FiguresCommand.class, CommandLine.HelpCommand.class})
public final class BenchCommand implements Runnable {
    public static final int USER_ERROR = 2;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "missing a subcommand (try: bench run experiments/fgsm.yaml)");
    }

    public static void main(String[] args) {
        System.exit(execute(args));
    }

    public static int execute(String... args) {
        CommandLine cli = new CommandLine(new BenchCommand());
        cli.setParameterExceptionHandler((ex, a) -> {
            PrintWriter err = ex.getCommandLine().getErr();
            err.println("error: " + ex.getMessage() + " (see '" + ex.getCommandLine().getCommandSpec().qualifiedName() + " --help')");
            return USER_ERROR;
        });
        cli.setExecutionExceptionHandler((ex, cmd, parsed) -> {
            PrintWriter err = cmd.getErr();
            boolean verbose = parsed.hasMatchedOption("--verbose");
            if (ex instanceof UserError) {
                err.println("error: " + ex.getMessage());
                if (verbose) {
                    ex.printStackTrace(err);
                }
                return USER_ERROR;
            }
            err.println("failed: " + ex + (verbose ? "" : " (run with --verbose for the stack trace)"));
            if (verbose) {
                ex.printStackTrace(err);
            }
            return 1;
        });
        return cli.execute(args);
    }

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String v = BenchCommand.class.getPackage().getImplementationVersion();
            return new String[] {"bench " + (v == null ? "dev" : v)};
        }
    }
}
