package advbench.eval;

/**
 * One stage of an ensemble at one epsilon, over the whole test set: the samples that entered it
 * still robust and that left it still robust (summed over batches), the images it passed forward
 * and backward, and its wall time in seconds.
 */
public record StageCost(String stage, int entered, int left, long forward, long backward, double seconds) {

    StageCost plus(int moreEntered, int moreLeft, long f, long b, double s) {
        return new StageCost(stage, entered + moreEntered, left + moreLeft, forward + f, backward + b, seconds + s);
    }
}
