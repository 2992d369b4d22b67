package advbench.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import java.util.ArrayList;
import java.util.List;

/**
 * An epoch's mean loss and training accuracy, kept on the device and read back once every
 * {@link #WINDOW} batches instead of once per batch. Each batch's loss and predicted classes are
 * kept until then; a read-back checks every loss of the window in order, so a diverged batch is
 * still named exactly (at most WINDOW - 1 steps later, by which time its weights were lost anyway),
 * and the loss sum is accumulated in the same order and precision as a per-batch read would.
 */
final class EpochTally implements AutoCloseable {
    /** Batches per read-back: about 30 ms of training at batch 128 on this project's 2 cores. */
    static final int WINDOW = 16;

    /** What a read-back found wrong: the first batch whose loss diverged, and that loss. */
    interface Divergence {
        RuntimeException at(int batch, float loss);
    }

    private final NDManager window;
    private final Divergence divergence;
    private final List<NDArray> losses = new ArrayList<>();
    private final List<NDArray> predicted = new ArrayList<>();
    private final List<int[]> labels = new ArrayList<>();
    private int firstBatch = 1;
    private double lossSum;
    private long correct;

    EpochTally(NDManager parent, Divergence divergence) {
        this.window = parent.newSubManager();
        this.divergence = divergence;
    }

    /** One batch's mean loss (a scalar) and logits; both are kept past the batch's own scope. */
    void add(NDArray loss, NDArray logits, int[] batchLabels) {
        NDArray l = loss.stopGradient();
        NDArray p = logits.argMax(1);
        l.attach(window);
        p.attach(window);
        losses.add(l);
        predicted.add(p);
        labels.add(batchLabels);
        if (losses.size() == WINDOW) {
            readBack();
        }
    }

    /** Reads back what is pending; throws the divergence of the first batch whose loss is not finite or too large. */
    void readBack() {
        if (losses.isEmpty()) {
            return;
        }
        float[] l;
        int[] p;
        try (NDManager scope = window.newSubManager()) {
            NDArray stacked = NDArrays.stack(new NDList(losses));
            NDArray classes = NDArrays.concat(new NDList(predicted));
            stacked.attach(scope);
            classes.attach(scope);
            l = stacked.toFloatArray();
            p = classes.toType(DataType.INT32, false).toIntArray();
        }
        int at = 0;
        for (int b = 0; b < l.length; b++) {
            if (!Float.isFinite(l[b]) || l[b] > ModelTrainer.DIVERGED_LOSS) {
                throw divergence.at(firstBatch + b, l[b]);
            }
            int[] y = labels.get(b);
            lossSum += l[b] * y.length;
            for (int i = 0; i < y.length; i++) {
                correct += p[at + i] == y[i] ? 1 : 0;
            }
            at += y.length;
        }
        firstBatch += l.length;
        losses.forEach(NDArray::close);
        predicted.forEach(NDArray::close);
        losses.clear();
        predicted.clear();
        labels.clear();
    }

    double lossSum() {
        return lossSum;
    }

    long correct() {
        return correct;
    }

    @Override
    public void close() {
        window.close();
    }
}
