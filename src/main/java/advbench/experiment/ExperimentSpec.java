package advbench.experiment;

import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * A whole experiment, as read from its YAML file, validated and with defaults filled in. Its
 * serialised form is the "resolved config" written into every run folder.
 *
 * @param name used as the results sub-folder, so letters, digits, '.', '_' and '-' only
 * @param seed seeds data subsets, shuffling, weight initialisation and random attacks
 * @param epsilons L-infinity radii in [0, 1] (pixel scale); 0 is the clean accuracy
 */
public record ExperimentSpec(String name, Integer seed, DatasetSpec dataset, ModelSpec model,
                             List<AttackSpec> attacks, List<Double> epsilons, OutputSpec outputs) {

    public ExperimentSpec {
        SpecException.require(name, "name");
        if (!name.matches("[A-Za-z0-9._-]+")) {
            throw new SpecException("name", "use only letters, digits, '.', '_' and '-' (it names a folder), got '" + name + "'");
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
            String label = attacks.get(i).build().name();
            if (!labels.add(label)) {
                throw new SpecException("attacks[" + i + "]", "two attacks are labelled '" + label + "'; give one a distinct 'label'");
            }
        }
        epsilons = checkEpsilons(SpecException.require(epsilons, "epsilons"));
        outputs = outputs == null ? OutputSpec.DEFAULT : outputs;
    }

    private static List<Double> checkEpsilons(List<Double> epsilons) {
        if (epsilons.isEmpty()) {
            throw new SpecException("epsilons", "must list at least one epsilon");
        }
        Set<Double> seen = new HashSet<>();
        for (int i = 0; i < epsilons.size(); i++) {
            Double e = epsilons.get(i);
            if (e == null || !(e >= 0 && e <= 1)) {
                throw new SpecException("epsilons[" + i + "]", "must be a number in [0, 1] (pixel scale), got " + e);
            }
            if (!seen.add(e)) {
                throw new SpecException("epsilons[" + i + "]", e + " is listed twice");
            }
        }
        return epsilons.stream().sorted().toList();
    }
}
