package advbench.experiment;

import advbench.SpecException;
import advbench.attack.AttackSpec;
import advbench.attack.Norm;
import advbench.attack.ParamChecks;
import com.fasterxml.jackson.databind.annotation.JsonDeserialize;
import com.fasterxml.jackson.databind.annotation.JsonSerialize;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * A whole experiment, as read from its YAML file, validated and with defaults filled in. Its
 * serialised form is the "resolved config" written into every run folder.
 *
 * @param name used as the results sub-folder, so letters, digits, '.', '_' and '-' only
 * @param seed seeds data subsets, shuffling, weight initialisation and random attacks
 * @param defence optional adversarial retraining, evaluated beside the baseline
 * @param epsilons L-infinity radii in [0, 1] (pixel scale) for every attack without its own list;
 *     0 is the clean accuracy
 * @param certify optional certified bounds (IBP, CROWN-IBP) and randomized smoothing, beside the attacks
 * @param evaluation attack batch size, threads and the sweep's shortcuts
 */
public record ExperimentSpec(String name, Integer seed, DatasetSpec dataset, ModelSpec model, DefenceSpec defence,
                             @JsonDeserialize(contentUsing = AttackEntry.Reader.class)
                             @JsonSerialize(contentUsing = AttackEntry.Writer.class) List<AttackSpec> attacks, List<Double> epsilons, CertifySpec certify, EvaluationSpec evaluation,
                             OutputSpec outputs) {

    /** Longest experiment name: a folder name, well inside every file system's 255 bytes. */
    public static final int MAX_NAME = 100;

    public ExperimentSpec {
        SpecException.require(name, "name");
        // it names a folder under the results folder: plain, bounded, never . or .. (which would escape it)
        if (!name.matches("[A-Za-z0-9][A-Za-z0-9._-]*")) {
            throw new SpecException("name", "use letters, digits, '.', '_' and '-', starting with a letter or digit"
                    + " (it names a folder), got '" + name + "'");
        }
        if (name.length() > MAX_NAME) {
            throw new SpecException("name", "must be at most " + MAX_NAME + " characters (it names a folder), got " + name.length());
        }
        SpecException.atLeast(SpecException.require(seed, "seed"), 0, "seed");
        SpecException.require(dataset, "dataset");
        SpecException.require(model, "model");
        SpecException.require(attacks, "attacks");
        if (attacks.isEmpty()) {
            throw new SpecException("attacks", "must list at least one attack");
        }
        attacks = List.copyOf(attacks);
        Set<String> labels = new HashSet<>();
        for (int i = 0; i < attacks.size(); i++) {
            AttackSpec a = attacks.get(i);
            if (!labels.add(a.label())) {
                throw new SpecException("attacks[" + i + "]", "two attacks are labelled '" + a.label() + "'; give one a distinct 'label'");
            }
            if (a.epsilons() == null && a.epsilonNorm() != Norm.LINF) {
                throw new SpecException("attacks[" + i + "].epsilons", "an " + a.epsilonNorm().label()
                        + " attack needs its own epsilons (the experiment's are L-infinity budgets)");
            }
            if (a.epsilons() == null && epsilons == null) {
                throw new SpecException("epsilons", "missing required field (attacks[" + i + "] has no epsilons of its own)");
            }
        }
        if (model.loaded() && model.epochs() == 0 && defence == null) {
            String nothing = "nothing is trained: the loaded model is evaluated as it is (give model.epochs to fine-tune it, or a defence)";
            if (model.trainableLayers() != null) {
                throw new SpecException("model.trainable_layers", nothing);
            }
            if (model.augmentation() != null) {
                throw new SpecException("model.augmentation", nothing);
            }
        }
        epsilons = ParamChecks.epsilons(epsilons, Norm.LINF, "epsilons");
        for (int i = 0; i < attacks.size(); i++) {
            if (attacks.get(i) instanceof AttackEntry e && e.bpda() != null && model.transform() == null) {
                throw new SpecException("attacks[" + i + "].bpda", "the model has no input transformation (model.transform) for BPDA to pass"
                        + "; without one the attack's gradient is the model's own");
            }
        }
        if (model.transform() != null && certify != null && certify.bounds() != null) {
            throw new SpecException("certify.bounds", "the bounds do not see through model.transform (" + model.transform().type()
                    + "): they would certify the network without its defence");
        }
        if (defence != null && defence.certifiedTraining() && model.file() != null) {
            throw new SpecException("defence.method", defence.method() + " trains on certified bounds of a network built here, layer by"
                    + " layer; a TorchScript model's layers are opaque");
        }
        if (certify != null && certify.bounds() != null) {
            if (certify.epsilons() == null && epsilons == null) {
                throw new SpecException("certify.epsilons", "missing required field (the experiment has no epsilons for the bounds)");
            }
            if (model.file() != null) {
                throw new SpecException("certify.bounds", certify.bounds() + " needs a network built here, whose layers it bounds one by one;"
                        + " a TorchScript model's are opaque (randomized smoothing certifies any model: certify.smoothing)");
            }
        }
        evaluation = evaluation == null ? EvaluationSpec.DEFAULT : evaluation;
        outputs = outputs == null ? OutputSpec.DEFAULT : outputs;
    }

    /** The sweep of one attack: its own list, else the experiment's. */
    public List<Double> epsilonsFor(AttackSpec attack) {
        return attack.epsilons() != null ? attack.epsilons() : epsilons;
    }

    /** This experiment with other evaluation settings (the command line overrides the file's). */
    public ExperimentSpec withEvaluation(EvaluationSpec evaluation) {
        return new ExperimentSpec(name, seed, dataset, model, defence, attacks, epsilons, certify, evaluation, outputs);
    }
}
