package advbench.experiment;

import advbench.Json;
import advbench.SpecException;
import advbench.model.Architectures;
import advbench.model.InputTransform;
import advbench.model.Preprocessing;
import advbench.train.Augmentation;
import advbench.train.TrainingPlan;
import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;

/**
 * The model an experiment evaluates: where it starts, and how it is trained from there. It
 * starts from one of three places: an {@code architecture} built here and trained from scratch;
 * a TorchScript {@code file} exported from PyTorch; or the weights an earlier {@code run} saved
 * (its defended model with {@code defended}). A loaded model is evaluated as it is, or
 * fine-tuned for {@code epochs} (only its last layer with {@code trainable_layers: last}).
 * Unset fields stay out of the serialised form, which is part of the model cache key: a new
 * field never changes the key of an experiment that does not use it.
 *
 * @param file TorchScript file, relative to the experiment file
 * @param run an earlier run's folder, relative to the experiment file
 * @param defended with {@code run}: that run's adversarially trained model instead of its baseline
 * @param preprocessing per-channel mean and std applied inside the model
 * @param epochs training epochs: from scratch (default 2), or fine-tuning a loaded model (default 0, none)
 * @param optimizer adam or sgd (SGD with momentum 0.9)
 * @param trainableLayers all (default) or last: fine-tune only the last layer of a loaded model
 * @param augmentation random shifts, rotations, zoom and flips of the training images
 * @param randomised with {@code file}: the network is random on purpose (a randomised defence),
 *                   so repeated forwards may differ; admitted, and reported, instead of refused
 * @param transform an input-transformation defence in front of the evaluated model (the model
 *                  trains on plain images; the transform is not part of the cache key)
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ModelSpec(String architecture, String file, String run, Boolean defended, PreprocessingSpec preprocessing,
                        Integer epochs, Integer batchSize, String optimizer, Double learningRate, String trainableLayers,
                        AugmentationSpec augmentation, Boolean randomised, TransformSpec transform) {

    public ModelSpec(String architecture, String file, String run, Boolean defended, PreprocessingSpec preprocessing, Integer epochs,
                     Integer batchSize, String optimizer, Double learningRate, String trainableLayers, AugmentationSpec augmentation,
                     Boolean randomised) {
        this(architecture, file, run, defended, preprocessing, epochs, batchSize, optimizer, learningRate, trainableLayers, augmentation,
                randomised, null);
    }

    public static final List<String> OPTIMIZERS = List.of("adam", "sgd");
    public static final List<String> LAYERS = List.of("all", "last");

    public ModelSpec {
        int starts = (architecture != null ? 1 : 0) + (file != null ? 1 : 0) + (run != null ? 1 : 0);
        if (starts > 1) {
            throw new SpecException(file != null ? "file" : "run", "give one of architecture (trained here), file (TorchScript) or run"
                    + " (an earlier run's model), not several");
        }
        boolean loaded = file != null || run != null;
        architecture = loaded ? null : architecture == null ? "small-cnn" : architecture;
        if (architecture != null && !Architectures.exists(architecture)) {
            throw new SpecException("architecture", "unknown architecture '" + architecture + "'; expected one of "
                    + String.join(", ", Architectures.names()));
        }
        if (file != null && file.isBlank()) {
            throw new SpecException("file", "must name a TorchScript file");
        }
        if (run != null && run.isBlank()) {
            throw new SpecException("run", "must name a run folder");
        }
        if (Boolean.TRUE.equals(randomised) && file == null) {
            throw new SpecException("randomised", "only a TorchScript file (file) can be a randomised model");
        }
        randomised = Boolean.TRUE.equals(randomised) ? Boolean.TRUE : null; // false is the default, left out of the key
        if (defended != null && run == null) {
            throw new SpecException("defended", "only a model from an earlier run (run) can be its defended one");
        }
        if (preprocessing != null && run != null) {
            throw new SpecException("preprocessing", "a model from an earlier run keeps that run's preprocessing");
        }
        // a loaded model is evaluated as it is unless asked to fine-tune
        epochs = loaded ? SpecException.between(epochs == null ? 0 : epochs, 0, SpecException.MAX_EPOCHS, "epochs")
                : SpecException.between(epochs == null ? 2 : epochs, 1, SpecException.MAX_EPOCHS, "epochs");
        batchSize = SpecException.between(batchSize == null ? 64 : batchSize, 1, SpecException.MAX_BATCH, "batch_size");
        optimizer = optimizer == null ? "adam" : optimizer;
        if (!OPTIMIZERS.contains(optimizer)) {
            throw new SpecException("optimizer", "unknown optimizer '" + optimizer + "'; expected one of " + String.join(", ", OPTIMIZERS));
        }
        learningRate = learningRate == null ? 1e-3 : learningRate;
        if (!(learningRate > 0 && learningRate < 10)) {
            throw new SpecException("learning_rate", "must be a positive number below 10, got " + learningRate);
        }
        if (trainableLayers != null) {
            if (!LAYERS.contains(trainableLayers)) {
                throw new SpecException("trainable_layers", "unknown choice '" + trainableLayers + "'; expected all or last");
            }
            if (trainableLayers.equals("last") && !loaded) {
                throw new SpecException("trainable_layers", "only a loaded model (file or run) can train its last layer alone;"
                        + " an architecture trained here starts from random weights");
            }
            trainableLayers = trainableLayers.equals("all") ? null : trainableLayers; // the default, left out of the key
        }
    }

    /** Whether the model is loaded (a file or an earlier run) rather than built and trained here. */
    @JsonIgnore
    public boolean loaded() {
        return file != null || run != null;
    }

    @JsonIgnore
    public boolean lastLayerOnly() {
        return "last".equals(trainableLayers);
    }

    @JsonIgnore
    public Augmentation augmentationOrNone() {
        return augmentation == null ? Augmentation.NONE : augmentation.augmentation();
    }

    /** How the baseline is trained: this section's settings at a constant learning rate. */
    public TrainingPlan plan() {
        return new TrainingPlan(epochs, batchSize, optimizer, learningRate, "constant", lastLayerOnly(), augmentationOrNone());
    }

    /**
     * This section without the paths of its file or run: the model cache key takes the file's
     * SHA-256 instead. A tree, not a ModelSpec, because a section without its start would be
     * validated as one that trains an architecture; in the record's field order, so that a model
     * trained here keeps the key it had before loaded models existed.
     */
    ObjectNode withoutPaths() {
        ObjectNode tree = Json.MAPPER.valueToTree(this);
        tree.remove(List.of("file", "run", "transform")); // the transform is evaluated, never trained through
        return tree;
    }

    /**
     * An input-transformation defence ({@link InputTransform}): {@code bit-depth} with {@code bits}
     * (1 to 8), {@code threshold} with {@code level} (in (0, 1)), {@code median} with {@code size}
     * (2 to 7) or {@code jpeg} with {@code quality} (1 to 100).
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record TransformSpec(String type, Integer bits, Double level, Integer size, Integer quality) {
        static final List<String> TYPES = List.of("bit-depth", "threshold", "median", "jpeg");

        public TransformSpec {
            SpecException.require(type, "type");
            if (!TYPES.contains(type)) {
                throw new SpecException("type", "unknown transform '" + type + "'; expected one of " + String.join(", ", TYPES));
            }
            String t = type;
            java.util.function.BiConsumer<String, Object> only = (field, value) -> {
                if (value != null) {
                    throw new SpecException(field, "is not a setting of " + t);
                }
            };
            switch (type) {
                case "bit-depth" -> {
                    only.accept("level", level);
                    only.accept("size", size);
                    only.accept("quality", quality);
                    bits = SpecException.between(SpecException.require(bits, "bits"), 1, 8, "bits");
                }
                case "threshold" -> {
                    only.accept("bits", bits);
                    only.accept("size", size);
                    only.accept("quality", quality);
                    level = SpecException.require(level, "level");
                    if (!(level > 0 && level < 1)) {
                        throw new SpecException("level", "must be in (0, 1), got " + level);
                    }
                }
                case "median" -> {
                    only.accept("bits", bits);
                    only.accept("level", level);
                    only.accept("quality", quality);
                    size = SpecException.between(SpecException.require(size, "size"), 2, 7, "size");
                }
                default -> {
                    only.accept("bits", bits);
                    only.accept("level", level);
                    only.accept("size", size);
                    quality = SpecException.between(SpecException.require(quality, "quality"), 1, 100, "quality");
                }
            }
        }

        public InputTransform transform() {
            return switch (type) {
                case "bit-depth" -> new InputTransform.BitDepth(bits);
                case "threshold" -> new InputTransform.Threshold(level);
                case "median" -> new InputTransform.Median(size);
                default -> new InputTransform.Jpeg(quality);
            };
        }
    }

    /** Per-channel normalisation: one mean and one positive std per channel of the data (checked against it). */
    public record PreprocessingSpec(List<Double> mean, List<Double> std) {
        public PreprocessingSpec {
            SpecException.require(mean, "mean");
            SpecException.require(std, "std");
            if (mean.isEmpty() || mean.size() != std.size()) {
                throw new SpecException("std", "give one mean and one std per channel (" + mean.size() + " means, " + std.size() + " stds)");
            }
            for (int i = 0; i < mean.size(); i++) {
                if (mean.get(i) == null || !Double.isFinite(mean.get(i))) {
                    throw new SpecException("mean[" + i + "]", "must be a finite number");
                }
                if (std.get(i) == null || !(std.get(i) > 0) || !Double.isFinite(std.get(i))) {
                    throw new SpecException("std[" + i + "]", "must be a positive finite number, got " + std.get(i));
                }
            }
            mean = List.copyOf(mean);
            std = List.copyOf(std);
        }

        public Preprocessing preprocessing() {
            return new Preprocessing(mean, std);
        }
    }

    /**
     * Random changes to the training images, each off unless given.
     *
     * @param shift largest shift in pixels
     * @param rotate largest rotation in degrees
     * @param zoom largest relative zoom (0.1: 90% to 110%)
     * @param flip horizontal flips (not for digits or text)
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record AugmentationSpec(Integer shift, Double rotate, Double zoom, Boolean flip) {
        public AugmentationSpec {
            if (shift != null) {
                SpecException.between(shift, 0, 64, "shift");
            }
            if (rotate != null && !(rotate >= 0 && rotate <= 180)) {
                throw new SpecException("rotate", "must be between 0 and 180 degrees, got " + rotate);
            }
            if (zoom != null && !(zoom >= 0 && zoom < 1)) {
                throw new SpecException("zoom", "must be at least 0 and below 1 (0.1 zooms by 0.9 to 1.1), got " + zoom);
            }
        }

        public Augmentation augmentation() {
            return new Augmentation(shift == null ? 0 : shift, rotate == null ? 0 : rotate, zoom == null ? 0 : zoom,
                    flip != null && flip);
        }
    }
}
