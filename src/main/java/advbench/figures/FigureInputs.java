package advbench.figures;

import advbench.data.LabeledImages;
import advbench.eval.AttackOutcome;
import advbench.eval.EpsilonOutcome;
import advbench.eval.Evaluation;
import advbench.eval.Examples;
import advbench.model.Classifier;
import advbench.report.RunFolder;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What {@code bench figures} needs from a run beyond metrics.json, collected while the models are
 * still in memory: the grid's images with predictions and confidences (examples.json) and every
 * sample's prediction (predictions.csv). Saving them is what lets figures be redrawn in seconds
 * without touching a model.
 */
public final class FigureInputs {
    private final List<SavedExamples.ModelExamples> examples = new ArrayList<>();
    private final List<SavedPredictions.ModelPredictions> predictions = new ArrayList<>();

    /**
     * Records one evaluated model. The confidences of the grid's images need one more forward
     * pass (the attacks report classes, not probabilities), so the model must still be open.
     */
    public void add(String model, Classifier classifier, Evaluation evaluation, Examples grid) {
        Map<SavedPredictions.Column, int[]> columns = new LinkedHashMap<>();
        Map<String, String> norms = new LinkedHashMap<>();
        for (AttackOutcome a : evaluation.attacks()) {
            norms.put(a.attack(), a.norm().label());
            for (EpsilonOutcome e : a.perEpsilon()) {
                columns.put(new SavedPredictions.Column(a.attack(), e.epsilon()), e.predicted());
            }
        }
        predictions.add(new SavedPredictions.ModelPredictions(model, evaluation.labels(), evaluation.cleanPredicted(), columns));

        LabeledImages s = grid.samples();
        int[] indices = new int[s.count()];
        for (int i = 0; i < indices.length; i++) {
            indices[i] = i; // Examples.collect takes the first samples of the test set
        }
        SavedExamples.Images clean = images(classifier, s.pixels(), java.util.Arrays.copyOf(evaluation.cleanPredicted(), s.count()), s);
        List<SavedExamples.AttackImages> rows = new ArrayList<>();
        for (Examples.Row row : grid.rows()) {
            rows.add(new SavedExamples.AttackImages(row.attack(), norms.get(row.attack()), row.epsilon(),
                    images(classifier, row.pixels(), row.predicted(), s)));
        }
        examples.add(new SavedExamples.ModelExamples(model, s.rows(), s.cols(), indices, s.labels().clone(), clean, List.copyOf(rows)));
    }

    /** Writes examples.json and predictions.csv, each atomically. */
    public void write(RunFolder folder) {
        SavedExamples saved = new SavedExamples(SavedExamples.FORMAT, List.copyOf(examples));
        folder.write(SavedExamples.FILE, saved::writeTo);
        folder.writeString(SavedPredictions.FILE, new SavedPredictions(List.copyOf(predictions)).toCsv());
    }

    /** The images with the softmax probability the model gives the class it predicted. */
    private static SavedExamples.Images images(Classifier model, float[] pixels, int[] predicted, LabeledImages shape) {
        float[] confidence = new float[predicted.length];
        try (NDManager scope = model.manager().newSubManager()) {
            NDArray x = scope.create(pixels, new Shape(predicted.length, 1, shape.rows(), shape.cols()));
            float[] p = model.logits(x).softmax(1).toFloatArray();
            int classes = p.length / predicted.length;
            for (int i = 0; i < predicted.length; i++) {
                confidence[i] = p[i * classes + predicted[i]];
            }
        }
        return new SavedExamples.Images(SavedExamples.toBytes(pixels), predicted.clone(), confidence);
    }
}
