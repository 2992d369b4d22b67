package advbench.eval;

import advbench.Progress;
import advbench.RunLog;
import advbench.attack.Adversarial;
import advbench.attack.Attack;
import advbench.attack.Batch;
import advbench.data.LabeledImages;
import advbench.model.Classifier;
import advbench.model.ImageBatch;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.util.ArrayList;
import java.util.List;

/**
 * Runs every attack at every epsilon over the test set, batch by batch, and records per-sample
 * outcomes. Each batch lives in its own NDManager scope, so native memory stays flat however
 * long the sweep.
 */
public final class Evaluator {
    private final int batchSize;
    private final RunLog log;

    public Evaluator(int batchSize, RunLog log) {
        this.batchSize = batchSize;
        this.log = log;
    }

    public Evaluation evaluate(Classifier model, LabeledImages test, List<Attack> attacks, List<Double> epsilons) {
        int n = test.count();
        int[] clean = model.predictAll(test, batchSize);
        List<AttackOutcome> outcomes = new ArrayList<>();
        for (Attack attack : attacks) {
            List<EpsilonOutcome> perEps = new ArrayList<>();
            for (double eps : epsilons) {
                perEps.add(new EpsilonOutcome(eps, new int[n], new float[n], new float[n]));
            }
            long start = System.nanoTime();
            try (Progress bar = log.progress(attack.name(), n, "img")) {
                for (int from = 0; from < n; from += batchSize) {
                    int to = Math.min(n, from + batchSize);
                    attackBatch(model, test, from, to, attack, epsilons, perEps);
                    bar.advance(to - from);
                }
            }
            log.info(String.format("%s: %d epsilons x %d samples in %.1f s", attack.name(), epsilons.size(), n,
                    (System.nanoTime() - start) / 1e9));
            outcomes.add(new AttackOutcome(attack.name(), attack.norm(), List.copyOf(perEps)));
        }
        return new Evaluation(test.labels().clone(), clean, List.copyOf(outcomes));
    }

    private static void attackBatch(Classifier model, LabeledImages test, int from, int to, Attack attack,
                                    List<Double> epsilons, List<EpsilonOutcome> perEps) {
        try (NDManager scope = model.manager().newSubManager()) {
            NDArray x = ImageBatch.of(scope, test, from, to);
            Batch batch = new Batch(x, test.labelRange(from, to), range(from, to));
            List<Adversarial> results = attack.run(model, batch, epsilons);
            for (int e = 0; e < results.size(); e++) {
                Adversarial adv = results.get(e);
                EpsilonOutcome out = perEps.get(e);
                NDArray delta = adv.images().sub(x).reshape(to - from, -1);
                float[] linf = delta.abs().max(new int[] {1}).toFloatArray();
                float[] l2 = delta.square().sum(new int[] {1}).sqrt().toFloatArray();
                System.arraycopy(adv.predicted(), 0, out.predicted(), from, adv.predicted().length);
                System.arraycopy(linf, 0, out.linf(), from, linf.length);
                System.arraycopy(l2, 0, out.l2(), from, l2.length);
            }
        }
    }

    static int[] range(int from, int to) {
        int[] ids = new int[to - from];
        for (int i = 0; i < ids.length; i++) {
            ids[i] = from + i;
        }
        return ids;
    }
}
