package advbench.indicators;

import advbench.Progress;
import advbench.RunLog;
import advbench.attack.Attack;
import advbench.attack.RedirectedAttack;
import advbench.data.LabeledImages;
import advbench.eval.Evaluation;
import advbench.eval.LossTrace;
import advbench.eval.Metrics;
import advbench.eval.PlannedAttack;
import advbench.eval.Sweep;
import advbench.model.Bpda;
import advbench.model.Classifier;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Indicators of attack failure (Pintor et al., NeurIPS 2022) and the automatable items of Carlini
 * et al.'s checklist (2019), measured per model on a seeded subsample of the test set after the
 * attacks ran: each says whether the attacks' numbers can be trusted, with its value, its
 * threshold and the samples involved. Each is a question an evaluator would ask, answered in its
 * own class:
 * <ul>
 *   <li>{@link ModelChecks}: are the input gradients zero or not finite; does the loss jump under
 *       imperceptible noise; do repeated forwards differ?</li>
 *   <li>{@link LossTraces}: is an iterative attack's loss still rising at its last steps; did an
 *       iterate fool the model that the answer does not show?</li>
 *   <li>{@link BudgetChecks}: does the attack fool everything with the whole box as budget; does
 *       accuracy rise with epsilon; does twice the steps change the accuracy?</li>
 *   <li>{@link NoiseCheck}: does random noise fool what every gradient attack missed?</li>
 *   <li>{@link SingleStepCheck}: does a single step fool more than a few samples the iterative
 *       attacks missed (on the whole test set)?</li>
 *   <li>{@link TransferCheck}: does an attack crafted on a source model fool what a white-box
 *       attack missed?</li>
 * </ul>
 * To add an indicator: a static method in the class whose question it shares (or a new small
 * class), called from {@link #measure}, and a row in the table of docs/indicators.md.
 */
public final class FailureIndicators {
    /** How many of the samples involved an indicator lists. */
    static final int LISTED = 20;
    /**
     * Every sample at every epsilon, nothing carried over from a smaller one. Early stop inside
     * an attack stays on: it keeps each sample's first success, so no sample's result changes.
     */
    static final Sweep EVERY_EPSILON = new Sweep(false, true);

    private final int batchSize;
    private final RunLog log;

    public FailureIndicators(int batchSize, RunLog log) {
        this.batchSize = batchSize;
        this.log = log;
    }

    /** The indicators of one model and the loss traces they read. */
    public record Report(List<Metrics.Indicator> indicators, List<LossTrace> traces) {}

    /** Every indicator for one model; {@code ev} is the main evaluation on {@code test}. */
    public Report measure(Classifier model, LabeledImages test, Evaluation ev, List<PlannedAttack> attacks, int count, long seed) {
        Subsample sub = Subsample.of(test, ev, count, seed, batchSize);
        List<Metrics.Indicator> out = new ArrayList<>();
        List<LossTrace> traces = new ArrayList<>();
        out.add(ModelChecks.gradients(model, sub));
        for (PlannedAttack planned : attacks) {
            if (planned.attack() instanceof RedirectedAttack r && r.bpdaMode() != Bpda.NONE) {
                out.add(ModelChecks.gradients(model.withBpda(r.bpdaMode()), sub, r.name()));
            }
        }
        out.add(ModelChecks.unstable(model, sub));
        out.add(ModelChecks.randomised(ev.randomised()));
        Map<PlannedAttack, List<int[]>> everyEpsilon = new LinkedHashMap<>();
        try (Progress bar = log.progress("indicators", attacks.size(), "attacks")) {
            for (PlannedAttack planned : attacks) {
                Attack a = planned.attack();
                // a transfer attack fails to fool at the whole box when its source's gradients do not carry over: no failure of its own
                boolean transfer = a instanceof RedirectedAttack r && r.source() != null;
                if (a.target() == null && a.iterative() && !transfer) {
                    out.add(BudgetChecks.unbounded(model, sub, a));
                }
                List<int[]> perEps = sub.predictions(model, a, planned.epsilons(), EVERY_EPSILON);
                everyEpsilon.put(planned, perEps);
                out.add(BudgetChecks.monotone(sub, planned, perEps));
                if (planned.longer() != null) {
                    out.add(BudgetChecks.convergence(sub, planned, perEps,
                            sub.predictions(model, planned.longer(), planned.epsilons(), EVERY_EPSILON)));
                }
                LossTrace trace = LossTraces.trace(model, sub, planned, LossTraces.tracedEpsilon(sub, planned.epsilons(), perEps));
                if (trace != null) {
                    traces.add(trace);
                    out.addAll(LossTraces.read(sub, planned, trace, perEps.get(planned.epsilons().indexOf(trace.epsilon()))));
                }
                bar.advance(1);
            }
        }
        out.addAll(NoiseCheck.measure(model, sub, everyEpsilon));
        out.addAll(TransferCheck.measure(sub, everyEpsilon));
        out.addAll(SingleStepCheck.measure(ev));
        return new Report(List.copyOf(out), List.copyOf(traces));
    }

    /** At most 4 significant digits, no trailing zeros: 8/255 reads 0.03137, 0.3 reads 0.3. */
    static String short4(double v) {
        return new java.math.BigDecimal(v).round(new java.math.MathContext(4)).stripTrailingZeros().toPlainString();
    }

    /** The log's verdict table: one line per indicator. */
    public static List<String> verdict(String model, List<Metrics.Indicator> indicators) {
        List<String> lines = new ArrayList<>();
        long fired = indicators.stream().filter(Metrics.Indicator::triggered).count();
        lines.add(String.format(Locale.ROOT, "%s: indicators of attack failure: %s", model,
                fired == 0 ? "none fired" : fired + " of " + indicators.size() + " fired"));
        for (Metrics.Indicator i : indicators) {
            lines.add(String.format(Locale.ROOT, "  %-6s %-34s %-14s %-8s value %.4g (threshold %.4g)%s", i.triggered() ? "FIRED" : "ok",
                    i.name(), i.attack() == null ? "" : i.attack(), i.epsilon() == null ? "" : "eps " + short4(i.epsilon()), i.value(), i.threshold(),
                    i.samples().isEmpty() ? "" : ", samples " + i.samples()));
            if (i.triggered() && advice(i.name()) != null) {
                lines.add("         what to do: " + advice(i.name()));
            }
        }
        return lines;
    }

    /**
     * The log's short form of docs/indicators.md's "what to do" for a fired indicator. Those a
     * non-differentiable input transformation fires name BPDA and the attacks that need no
     * gradient of the defended model (docs/adaptive.md).
     */
    static String advice(String name) {
        if (name.startsWith(NoiseCheck.NOISE)) {
            return "the gradients point the wrong way: run square, hsja, or the gradient attacks with bpda: identity if the model has an"
                    + " input transformation";
        }
        return switch (name) {
            case ModelChecks.GRADIENTS -> "a saturated softmax (loss: margin, apgd's dlr) or a non-differentiable layer: for an input"
                    + " transformation, bpda: identity on the gradient attacks; or attacks that need no gradient (hsja, square, a source: model)";
            case BudgetChecks.UNBOUNDED -> "the attack, not the model, fails: for an input transformation, bpda: identity; else more steps,"
                    + " another loss, restarts, or hsja";
            case ModelChecks.RANDOMISED, ModelChecks.UNSTABLE -> "attack the expectation: eot on apgd, autoattack version: rand";
            case BudgetChecks.CONVERGENCE, LossTraces.INCOMPLETE -> "the attack had not converged: more steps, or apgd / autoattack";
            case TransferCheck.TRANSFER -> "the white-box gradients mislead the attack: bpda: identity through an input transformation,"
                    + " or hsja";
            case BudgetChecks.MONOTONE -> "the attack's step or start depends badly on epsilon: tune the step size, add restarts";
            case LossTraces.SILENT -> "expected on a randomised model (the answer is judged by a fresh forward); otherwise a bug: report it";
            case SingleStepCheck.SINGLE_STEP -> "the iterative attacks are misled or too weak: more steps, restarts, another loss";
            default -> null;
        };
    }
}
