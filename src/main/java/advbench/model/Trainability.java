package advbench.model;

import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.util.Pair;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;

/**
 * Which of a network's parameters record gradients: all while training, none for a finished
 * model, or only the last layer when a loaded network is fine-tuned as a feature extractor.
 */
public final class Trainability {
    private final Block block;

    Trainability(Block block) {
        this.block = block;
    }

    /** The parameters that record gradients now. */
    List<Parameter> trainable() {
        List<Parameter> trainable = new ArrayList<>();
        for (Pair<String, Parameter> p : block.getParameters()) {
            if (p.getValue().requiresGradient()) {
                trainable.add(p.getValue());
            }
        }
        return trainable;
    }

    /** Whether any parameter records gradients (true while training, false for a finished model). */
    public boolean any() {
        return !trainable().isEmpty();
    }

    public void setAll(boolean trainable) {
        block.freezeParameters(!trainable);
    }

    /**
     * Makes only the last layer trainable: the parameters that share the layer of the last
     * parameter, "fc" of "fc.weight" and "fc.bias" (TorchScript names) or "04Linear" of
     * "04Linear_weight" (DJL's). Returns their names.
     */
    public List<String> setOnlyLastLayer() {
        List<Pair<String, Parameter>> all = block.getParameters().stream().toList();
        String last = layerOf(all.get(all.size() - 1).getKey());
        Set<Parameter> trained = Collections.newSetFromMap(new IdentityHashMap<>());
        List<String> names = new ArrayList<>();
        for (Pair<String, Parameter> p : all) {
            if (layerOf(p.getKey()).equals(last)) {
                trained.add(p.getValue());
                names.add(p.getKey());
            }
        }
        block.freezeParameters(true);
        block.freezeParameters(false, trained::contains);
        return names;
    }

    /** "fc" of "fc.weight", "01network_04Linear" of "01network_04Linear_weight". */
    static String layerOf(String parameter) {
        int dot = parameter.lastIndexOf('.');
        int cut = dot >= 0 ? dot : parameter.lastIndexOf('_');
        return cut >= 0 ? parameter.substring(0, cut) : "";
    }

    /** The number of values in all parameters, and in the trainable ones. */
    public long[] counts() {
        long all = 0;
        long trainable = 0;
        for (Pair<String, Parameter> p : block.getParameters()) {
            long n = p.getValue().getArray().size();
            all += n;
            trainable += p.getValue().requiresGradient() ? n : 0;
        }
        return new long[] {all, trainable};
    }
}
