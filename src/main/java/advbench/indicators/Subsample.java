package advbench.indicators;

import advbench.attack.Adversarial;
import advbench.attack.Attack;
import advbench.attack.Batch;
import advbench.attack.Rows;
import advbench.data.Dataset;
import advbench.data.LabeledImages;
import advbench.eval.EpsilonSweeper;
import advbench.eval.Evaluation;
import advbench.eval.Sweep;
import advbench.model.Classifier;
import advbench.model.ImageBatch;
import ai.djl.ndarray.NDManager;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.IntStream;

/**
 * The seeded subsample of the test set the indicators run on: its test indices (increasing), its
 * images and labels, and the run's own clean predictions of them (not predicted again, so a
 * randomised model cannot disagree with its own run).
 *
 * @param rows test indices, what an indicator's {@code samples} lists
 */
record Subsample(int[] rows, LabeledImages images, int[] clean, int batchSize) {

    static Subsample of(LabeledImages test, Evaluation ev, int count, long seed, int batchSize) {
        int[] rows = count >= test.count() ? IntStream.range(0, test.count()).toArray()
                : Dataset.chooseIndices(test.count(), count, new Random(seed ^ 0x1D1CA7025L));
        return new Subsample(rows, test.select(rows), Rows.pick(ev.cleanPredicted(), rows), batchSize);
    }

    int count() {
        return rows.length;
    }

    int label(int i) {
        return images.labels()[i];
    }

    /** Whether sample i is classified correctly when clean: only those can be fooled. */
    boolean correct(int i) {
        return clean[i] == label(i);
    }

    int correctCount() {
        return (int) IntStream.range(0, count()).filter(this::correct).count();
    }

    /** Accuracy as the run counts it: right clean and right under attack. */
    double accuracy(int[] predicted) {
        return IntStream.range(0, count()).filter(i -> correct(i) && predicted[i] == label(i)).count() / (double) count();
    }

    /** Predictions under one attack at each epsilon (in the order given), batch by batch. */
    List<int[]> predictions(Classifier model, Attack attack, List<Double> epsilons, Sweep how) {
        List<int[]> out = new ArrayList<>();
        epsilons.forEach(e -> out.add(new int[count()]));
        for (int from = 0; from < count(); from += batchSize) {
            int to = Math.min(count(), from + batchSize);
            try (NDManager scope = model.manager().newSubManager()) {
                List<Adversarial> results = EpsilonSweeper.run(attack, model, batch(scope, from, to), epsilons, how);
                for (int e = 0; e < results.size(); e++) {
                    System.arraycopy(results.get(e).predicted(), 0, out.get(e), from, to - from);
                }
            }
        }
        return out;
    }

    /** Rows [from, to) as an attack's batch, sample ids their positions in the subsample. */
    Batch batch(NDManager scope, int from, int to) {
        return new Batch(ImageBatch.of(scope, images, from, to), images.labelRange(from, to), IntStream.range(from, to).toArray());
    }

    /** The test indices of the listed positions, at most {@link FailureIndicators#LISTED}. */
    List<Integer> listed(List<Integer> positions) {
        return positions.stream().limit(FailureIndicators.LISTED).map(i -> rows[i]).toList();
    }
}
