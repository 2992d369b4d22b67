package advbench.train;

import ai.djl.training.tracker.Tracker;

/**
 * Learning-rate schedules. One-cycle is the piecewise-linear schedule of Wong et al. (2020):
 * from 0 up to the peak at 2/5 of the updates, then down to 0 at the end.
 */
public final class LearningRate {
    private LearningRate() {}

    public static Tracker of(String schedule, float peak, int totalUpdates) {
        if (schedule.equals("constant")) {
            return Tracker.fixed(peak);
        }
        return new OneCycle(peak, totalUpdates);
    }

    record OneCycle(float peak, int total) implements Tracker {
        @Override
        public float getNewValue(int update) {
            double t = Math.min(1.0, (double) update / Math.max(1, total));
            double rise = 0.4;
            return (float) (t <= rise ? peak * t / rise : peak * (1 - t) / (1 - rise));
        }
    }
}
