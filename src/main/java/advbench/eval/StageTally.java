package advbench.eval;

import advbench.RunLog;
import advbench.attack.AutoAttack;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * What each stage of an ensemble cost at each epsilon, summed over the batches: samples entering
 * and leaving it still robust, forward and backward passes, and wall time. It logs a line per run
 * of a stage (each target class of APGD-T and FAB-T), so that a log file shows an evaluation
 * advancing between its batches, and where its time goes.
 */
final class StageTally implements AutoAttack.StageListener {
    private final RunLog log;
    private final String attack;
    private final List<String> stages;
    private final Map<Double, StageCost[]> perEpsilon = new LinkedHashMap<>();
    private String part = "";

    StageTally(RunLog log, String attack, List<String> stages) {
        this.log = log;
        this.attack = attack;
        this.stages = stages;
    }

    /** What the following runs work on, for the log: "samples 0-499 of 1000", "audit". */
    void part(String description) {
        part = description;
    }

    @Override
    public void ran(double eps, int stage, String name, int run, int stacked, int runs, int entered, int left, long nanos, long forward,
                    long backward) {
        StageCost[] costs = perEpsilon.computeIfAbsent(eps, e -> {
            StageCost[] c = new StageCost[stages.size()];
            for (int s = 0; s < c.length; s++) {
                c[s] = new StageCost(stages.get(s), 0, 0, 0, 0, 0);
            }
            return c;
        });
        // a later run of a stage begins with the samples the run before it left: only the first one adds entrants
        costs[stage] = run == 0 ? costs[stage].plus(entered, left, forward, backward, nanos / 1e9)
                : costs[stage].plus(0, left - entered, forward, backward, nanos / 1e9);
        String runsDone = runs == 1 ? "" : stacked == 1 ? " " + (run + 1) + "/" + runs : " " + (run + 1) + "-" + (run + stacked) + "/" + runs
                + " (in one batch)";
        log.info(String.format(Locale.ROOT, "%s at eps %s, %s: %s%s: %d -> %d robust in %.1f s", attack, eps, part, name, runsDone,
                entered, left, nanos / 1e9));
    }

    /** Each stage's cost at {@code eps} ("clean" first, at no cost); stages that never ran have zeros. */
    List<StageCost> at(double eps) {
        StageCost[] costs = perEpsilon.get(eps);
        List<StageCost> out = new ArrayList<>();
        for (int s = 0; s < stages.size(); s++) {
            out.add(costs == null ? new StageCost(stages.get(s), 0, 0, 0, 0, 0) : costs[s]);
        }
        return out;
    }
}
