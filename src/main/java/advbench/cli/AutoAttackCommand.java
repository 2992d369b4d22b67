package advbench.cli;

import advbench.UserError;
import advbench.experiment.ExperimentFile;
import advbench.experiment.ExperimentLoader;
import advbench.experiment.ExperimentSpec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code bench autoattack MODEL.pt --data mnist --eps 0.3}: AutoAttack on a TorchScript model in one
 * line, as RobustBench's users evaluate a model with one call. It writes the experiment file this
 * amounts to and runs it as {@code bench run} does (the same checks, errors and run folder, whose
 * config.yaml is that experiment, so {@code bench run} and {@code bench verify} repeat it).
 */
@Command(name = "autoattack", mixinStandardHelpOptions = true,
        description = "AutoAttack on a TorchScript model in one line; writes and runs the experiment file, prints the run folder.")
final class AutoAttackCommand implements Callable<Integer> {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Parameters(paramLabel = "MODEL", description = "TorchScript file of the model (inputs in [0, 1] after --preprocessing)")
    Path model;

    @Option(names = "--data", paramLabel = "NAME", defaultValue = "mnist",
            description = "data set whose test images are attacked: mnist, fashion-mnist or cifar10 (default: ${DEFAULT-VALUE})")
    String data;

    @Option(names = "--eps", paramLabel = "EPS", required = true, split = ",",
            description = "L-inf budgets on the [0, 1] pixel scale, e.g. --eps 0.1,0.2,0.3")
    List<Double> eps;

    @Option(names = "--version", paramLabel = "VERSION", defaultValue = "standard",
            description = "standard (the reference's ensemble) or fast (MALT-targeted APGD-T, audited; see docs/autoattack.md)"
                    + " (default: ${DEFAULT-VALUE})")
    String version;

    @Option(names = "--samples", paramLabel = "N", description = "attack the first N test images (default: all of them)")
    Integer samples;

    @Option(names = "--preprocessing", paramLabel = "MEAN/STD",
            description = "normalisation the model expects in front of it, per channel: e.g. 0.1307/0.3081, or"
                    + " 0.4914,0.4822,0.4465/0.2470,0.2435,0.2616")
    String preprocessing;

    @Option(names = "--seed", paramLabel = "N", defaultValue = "0", description = "seed of the attacks' random draws (default: ${DEFAULT-VALUE})")
    int seed;

    @Mixin
    RunOptions run;

    @Override
    public Integer call() {
        String yaml = experiment();
        ExperimentSpec experiment;
        try {
            experiment = ExperimentLoader.parse(SOURCE, yaml);
        } catch (UserError e) {
            throw new CommandLine.ParameterException(spec.commandLine(), asOption(e.getMessage()));
        }
        // the experiment has no file of its own: relative paths in it are already absolute, and the run's config.yaml is the file
        ExperimentFile source = ExperimentFile.of(Path.of(SOURCE).toAbsolutePath());
        System.out.println(run.run(spec.commandLine(), experiment, source).runDir());
        return 0;
    }

    /** What errors in the experiment are reported against before they are put in terms of the options. */
    static final String SOURCE = "bench-autoattack.yaml";

    /** The experiment file this command line amounts to. */
    String experiment() {
        if (!Files.isRegularFile(model)) {
            throw new CommandLine.ParameterException(spec.commandLine(), "MODEL: no file " + model);
        }
        if (samples != null && samples < 1) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--samples must be at least 1, got " + samples);
        }
        String file = model.toAbsolutePath().normalize().toString();
        List<String> lines = new ArrayList<>();
        lines.add("name: autoattack-" + safeName(model.getFileName().toString()));
        lines.add("seed: " + seed);
        lines.add("dataset:");
        lines.add("  name: " + quoted(data));
        lines.add("model:");
        lines.add("  file: " + quoted(file));
        if (preprocessing != null) {
            String[] parts = preprocessing.split("/", -1);
            if (parts.length != 2 || parts[0].isBlank() || parts[1].isBlank()) {
                throw new CommandLine.ParameterException(spec.commandLine(), "--preprocessing expects MEAN/STD, each one number per channel"
                        + " separated by commas (e.g. 0.1307/0.3081), got '" + preprocessing + "'");
            }
            lines.add("  preprocessing:");
            lines.add("    mean: [" + numbers("--preprocessing", parts[0]) + "]");
            lines.add("    std: [" + numbers("--preprocessing", parts[1]) + "]");
        }
        lines.add("attacks:");
        lines.add("  - type: autoattack");
        lines.add("    version: " + quoted(version));
        lines.add("epsilons: [" + String.join(", ", eps.stream().map(e -> Double.toString(e)).toList()) + "]");
        lines.add("evaluation:");
        if (samples != null) {
            lines.add("  samples: " + samples);
        }
        lines.add("  indicator_samples: 0");
        lines.add("outputs:");
        lines.add("  grid_samples: 10");
        return String.join("\n", lines) + "\n";
    }

    /** A comma-separated list of numbers, checked here so that the error names the option. */
    private String numbers(String option, String list) {
        List<String> out = new ArrayList<>();
        for (String v : list.split(",", -1)) {
            try {
                double d = Double.parseDouble(v.trim());
                if (!Double.isFinite(d)) {
                    throw new NumberFormatException();
                }
                out.add(Double.toString(d));
            } catch (NumberFormatException e) {
                throw new CommandLine.ParameterException(spec.commandLine(), option + ": '" + v.trim() + "' is not a finite number");
            }
        }
        return String.join(", ", out);
    }

    /** A YAML scalar that stays the string it is, whatever characters it has. */
    private static String quoted(String s) {
        return "'" + s.replace("'", "''") + "'";
    }

    private static String safeName(String fileName) {
        String stem = fileName.replaceFirst("\\.[^.]*$", "").replaceAll("[^A-Za-z0-9_-]", "-");
        return stem.isEmpty() ? "model" : stem.substring(0, Math.min(stem.length(), 60));
    }

    private static final Pattern FIELD = Pattern.compile("^" + Pattern.quote(SOURCE) + "(?::\\d+)?: ([a-z_\\[\\]0-9.]+): (.*)$");

    /** An error about a field of the generated experiment, told in terms of the option that set it. */
    static String asOption(String message) {
        Matcher m = FIELD.matcher(message);
        if (!m.matches()) {
            return message.replace(SOURCE + ": ", "").replace(SOURCE, "the command line");
        }
        String field = m.group(1);
        String option = field.startsWith("epsilons") ? "--eps" : field.startsWith("dataset") ? "--data"
                : field.startsWith("model.preprocessing") ? "--preprocessing" : field.startsWith("model") ? "MODEL"
                : field.endsWith("version") ? "--version" : field.startsWith("evaluation.samples") ? "--samples"
                : field.equals("seed") ? "--seed" : field;
        return option + ": " + m.group(2);
    }
}
