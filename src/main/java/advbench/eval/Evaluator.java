package advbench.eval;

import advbench.Progress;
import advbench.RunLog;
import advbench.attack.Adversarial;
import advbench.attack.Attack;
import advbench.attack.AutoAttack;
import advbench.attack.Batch;
import advbench.attack.MinimumNorm;
import advbench.attack.Rows;
import advbench.data.LabeledImages;
import advbench.model.Classifier;
import advbench.model.ImageBatch;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.IntStream;

/**
 * Runs every attack at each of its epsilons over the test set, batch by batch, and records
 * per-sample outcomes, and the images of the first {@code gridSamples} samples for the example
 * grid. Each batch lives in its own NDManager scope, so native memory stays flat however long the
 * sweep.
 */
public final class Evaluator {
    private final int batchSize;
    private final Sweep sweep;
    private final RunLog log;

    public Evaluator(int batchSize, Sweep sweep, RunLog log) {
        this.batchSize = batchSize;
        this.sweep = sweep;
        this.log = log;
    }

    public Evaluation evaluate(Classifier model, LabeledImages test, List<PlannedAttack> attacks, int gridSamples) {
        int n = test.count();
        CleanPass cleanPass = new CleanPass(n);
        int host = CleanPass.host(attacks);
        if (host < 0) {
            cleanPass.runAll(model, test, batchSize);
        }
        boolean randomised = RandomnessCheck.repeatedForwardsDiffer(model, test, batchSize);
        if (randomised) {
            log.info("the model is randomised: " + RandomnessCheck.FORWARDS + " forwards of the same test images differ");
        }
        LabeledImages samples = test.first(gridSamples);
        List<Examples.Row> rows = new ArrayList<>();
        List<AttackOutcome> outcomes = new ArrayList<>();
        for (int index = 0; index < attacks.size(); index++) {
            PlannedAttack planned = attacks.get(index);
            CleanPass along = index == host ? cleanPass : null;
            List<EpsilonOutcome> perEps = new ArrayList<>();
            boolean targeted = planned.attack().target() != null;
            boolean staged = planned.attack().stages() != null;
            for (double eps : planned.epsilons()) {
                perEps.add(new EpsilonOutcome(eps, new int[n], targeted ? new int[n] : null, new float[n], new float[n], new int[1],
                        staged ? new int[n] : null, new boolean[n]));
            }
            GridRows grid = new GridRows(planned, samples);
            double[] minimalNorms = planned.attack().minimumNorm() ? new double[n] : null;
            // an ensemble passes a stage's runs (target classes) together while the samples left fill less than a batch
            AutoAttack ensembleAttack = planned.attack() instanceof AutoAttack aa ? aa.stackingUpTo(batchSize) : null;
            StageTally tally = ensembleAttack == null ? null : new StageTally(log, ensembleAttack.name(), ensembleAttack.stages());
            // the fast version's batches run its fast stages; its audit runs the others afterwards, on the whole test set's robust samples
            Attack swept = ensembleAttack == null ? planned.attack() : ensembleAttack.fastStages().reporting(tally);
            long start = System.nanoTime();
            long forward0 = model.passes().forward();
            long backward0 = model.passes().backward();
            long rechecked = 0;
            try (Progress bar = log.progress(planned.attack().name(), n, "img")) {
                for (int from = 0; from < n; from += batchSize) {
                    int to = Math.min(n, from + batchSize);
                    if (tally != null) {
                        tally.part("samples " + from + "-" + (to - 1) + " of " + n);
                    }
                    rechecked += attackBatch(model, test, range(from, to), swept, planned.epsilons(), 0, perEps, grid, minimalNorms, along, true);
                    bar.advance(to - from);
                }
            }
            List<FastAudit> audits = null;
            if (ensembleAttack != null && ensembleAttack.audit() != null) {
                FastAudit[] found = new FastAudit[perEps.size()];
                FastAuditor auditor = new FastAuditor(model, test, batchSize, log, ensembleAttack, tally);
                Integer[] increasing = IntStream.range(0, perEps.size()).boxed()
                        .sorted(java.util.Comparator.comparingDouble(planned.epsilons()::get)).toArray(Integer[]::new);
                for (int k = 0; k < increasing.length; k++) {
                    int e = increasing[k];
                    if (k > 0 && sweep.skipDecided()) {
                        // the batches' sweep carried only what the fast stages fooled; what the audit fooled at a smaller epsilon is fooled here too
                        carryFooled(perEps.get(increasing[k - 1]), perEps.get(e), grid, increasing[k - 1], e);
                    }
                    FastAuditor.Audited audited = auditor.audit(planned.epsilons().get(e), perEps.get(e),
                            (ids, stages) -> attackRows(model, test, ids, stages, planned.epsilons(), e, perEps, grid));
                    found[e] = audited.audit();
                    rechecked += audited.recheckForward();
                }
                audits = List.of(found);
            }
            // an attack that reuses the clean pass is charged for it, as if it had run it itself; another is not
            boolean apart = along != null && !planned.attack().reusesCleanPass();
            CleanPass notCharged = apart ? along : CleanPass.NONE;
            // the re-check of its results is stated apart from what the attack itself spent
            double forward = (model.passes().forward() - forward0 - notCharged.forward() - rechecked) / (double) n;
            double backward = (model.passes().backward() - backward0 - notCharged.backward()) / (double) n;
            if (along != null) {
                log.info(String.format(java.util.Locale.ROOT, "clean pass: predictions and input gradients of %d samples in %.1f s%s", n,
                        along.seconds(), apart ? "" : " (" + planned.attack().name() + " reuses it: counted in its time and passes)"));
            }
            log.info(String.format(java.util.Locale.ROOT, "%s: %d epsilons x %d samples in %.1f s (per sample %.1f forward and %.1f backward"
                    + " passes, and %.1f forward to re-check the results); samples attacked per epsilon: %s; re-check disagreements: %s",
                    planned.attack().name(), planned.epsilons().size(), n, (System.nanoTime() - start - notCharged.nanos()) / 1e9, forward, backward,
                    rechecked / (double) n, perEps.stream().map(e -> String.valueOf(e.attackedCount())).toList(),
                    perEps.stream().map(e -> String.valueOf(e.disagreements())).toList()));
            var a = planned.attack();
            AttackOutcome.Ensemble ensemble = null;
            if (tally != null) {
                List<List<StageCost>> costs = planned.epsilons().stream().map(tally::at).toList();
                ensemble = new AttackOutcome.Ensemble(costs, audits);
            }
            AttackOutcome outcome = new AttackOutcome(a.name(), a.norm(), a.iterative(),
                    a.target() == null ? null : a.target().describe(), List.copyOf(perEps), a.stages(), forward, backward, a.gradientFree(),
                    minimalNorms, rechecked / (double) n, ensemble);
            outcomes.add(outcome);
            if (ensemble != null) {
                logStages(outcome, test.labels());
            }
            for (int e = 0; e < planned.epsilons().size(); e++) {
                rows.add(new Examples.Row(a.name(), a.norm(), planned.epsilons().get(e), grid.shot(model, e)));
            }
        }
        int[] clean = cleanPass.predicted();
        GradientFaults faults = cleanPass.faults();
        Examples.Shot cleanShot = shot(model, samples.pixels(), Arrays.copyOf(clean, samples.count()), samples);
        return new Evaluation(test.shape(), test.labels().clone(), clean, List.copyOf(outcomes), faults.count(faults.zero()),
                faults.count(faults.nonFinite()), new Examples(samples, cleanShot, List.copyOf(rows)), randomised);
    }

    /**
     * One batch of one attack's sweep into the outcomes: the test samples {@code ids} (increasing),
     * at {@code epsilons}, whose outcomes are {@code perEps} and the grid's rows from {@code
     * firstEps} on. {@code counted}: whether these runs are the samples' attack at these epsilons
     * (the fast ensemble's audit attacks samples a second time). Returns the images the re-check
     * passed forward.
     */
    private long attackBatch(Classifier model, LabeledImages test, int[] ids, Attack attack, List<Double> epsilons, int firstEps,
                             List<EpsilonOutcome> perEps, GridRows grid, double[] minimalNorms, CleanPass cleanPass, boolean counted) {
        int m = ids.length;
        try (NDManager scope = model.manager().newSubManager()) {
            boolean contiguous = ids[m - 1] - ids[0] == m - 1;
            LabeledImages part = contiguous ? null : test.select(ids);
            NDArray x = contiguous ? ImageBatch.of(scope, test, ids[0], ids[0] + m) : ImageBatch.of(scope, part);
            Batch batch = new Batch(x, contiguous ? test.labelRange(ids[0], ids[0] + m) : part.labels(), ids);
            if (cleanPass != null) {
                batch = cleanPass.run(model, batch, ids[0]);
            }
            EpsilonSweeper.Swept swept = EpsilonSweeper.sweep(attack, model, batch, epsilons, sweep);
            if (minimalNorms != null) {
                for (int j = 0; j < m; j++) {
                    minimalNorms[ids[j]] = swept.minimalNorms()[j];
                }
            }
            List<Adversarial> results = swept.perEpsilon();
            for (int e = 0; e < results.size(); e++) {
                Adversarial adv = results.get(e);
                EpsilonOutcome out = perEps.get(e);
                NDArray delta = adv.images().sub(x).reshape(m, -1);
                float[] linf = delta.abs().max(new int[] {1}).toFloatArray();
                float[] l2 = delta.square().sum(new int[] {1}).sqrt().toFloatArray();
                if (counted) {
                    out.attacked()[0] += adv.attacked();
                }
                boolean[] disagreed = swept.disagreed().get(e);
                for (int j = 0; j < m; j++) {
                    int i = ids[j];
                    out.predicted()[i] = adv.predicted()[j];
                    if (out.targets() != null) {
                        out.targets()[i] = adv.targets()[j];
                    }
                    out.linf()[i] = linf[j];
                    out.l2()[i] = l2[j];
                    if (out.stages() != null) {
                        out.stages()[i] = adv.stages()[j];
                    }
                    out.disagreed()[i] |= disagreed[j];
                }
                grid.take(firstEps + e, ids, adv);
            }
            return swept.recheckForward();
        }
    }

    /**
     * Samples fooled at a smaller epsilon ({@code from}) but robust at a larger one ({@code to})
     * take the smaller epsilon's result, as the sweep's skip_decided carries a fooled sample over:
     * its perturbation is admissible at the larger epsilon too.
     */
    private static void carryFooled(EpsilonOutcome from, EpsilonOutcome to, GridRows grid, int gridFrom, int gridTo) {
        for (int i = 0; i < to.stages().length; i++) {
            if (to.stages()[i] == -1 && from.stages()[i] != -1) {
                to.stages()[i] = from.stages()[i];
                to.predicted()[i] = from.predicted()[i];
                to.linf()[i] = from.linf()[i];
                to.l2()[i] = from.l2()[i];
                grid.copy(gridFrom, gridTo, i);
            }
        }
    }

    /** {@code attack} at the e-th epsilon on some test samples (increasing), in batches, into the outcome of that epsilon. */
    private long attackRows(Classifier model, LabeledImages test, int[] ids, Attack attack, List<Double> epsilons, int e,
                            List<EpsilonOutcome> perEps, GridRows grid) {
        long rechecked = 0;
        for (int k = 0; k < ids.length; k += batchSize) {
            int[] chunk = Arrays.copyOfRange(ids, k, Math.min(ids.length, k + batchSize));
            rechecked += attackBatch(model, test, chunk, attack, List.of(epsilons.get(e)), e, List.of(perEps.get(e)), grid, null, null, false);
        }
        return rechecked;
    }

    /**
     * An ensemble's accuracy after each of its stages, per epsilon, as AutoAttack logs it, then
     * where its time went: per stage, the samples it took and left robust, its wall time and passes.
     */
    private void logStages(AttackOutcome outcome, int[] labels) {
        for (int k = 0; k < outcome.perEpsilon().size(); k++) {
            EpsilonOutcome e = outcome.perEpsilon().get(k);
            double[] after = MetricsCalculator.accuracyAfterStages(e.stages(), outcome.stages().size());
            StringBuilder line = new StringBuilder(String.format(java.util.Locale.ROOT, "%s at eps %s:", outcome.attack(), e.epsilon()));
            for (int s = 0; s < after.length; s++) {
                line.append(String.format(java.util.Locale.ROOT, "%s %s %.2f%%", s == 0 ? "" : ",", s == 0 ? "clean" : "after " + outcome.stages().get(s),
                        100 * after[s]));
            }
            log.info(line.toString());
            for (StageCost c : outcome.ensemble().costs().get(k).subList(1, outcome.stages().size())) {
                log.info(String.format(java.util.Locale.ROOT, "  %s: %d samples in, %d still robust out, %.1f s, %d forward and %d backward"
                        + " passes (%.0f and %.0f per sample in)", c.stage(), c.entered(), c.left(), c.seconds(), c.forward(), c.backward(),
                        c.forward() / (double) Math.max(c.entered(), 1), c.backward() / (double) Math.max(c.entered(), 1)));
            }
        }
    }

    /** The grid samples' adversarial images of one attack, per epsilon, gathered from the batches that hold them. */
    private static final class GridRows {
        private final LabeledImages samples;
        private final float[][] pixels;
        private final int[][] predicted;

        GridRows(PlannedAttack planned, LabeledImages samples) {
            this.samples = samples;
            int e = planned.epsilons().size();
            this.pixels = new float[e][samples.count() * samples.pixelsPerImage()];
            this.predicted = new int[e][samples.count()];
        }

        /** Copies the rows of a batch (test samples {@code ids}) that are grid samples. */
        void take(int e, int[] ids, Adversarial adv) {
            int[] rows = IntStream.range(0, ids.length).filter(j -> ids[j] < samples.count()).toArray();
            if (rows.length == 0) {
                return;
            }
            int d = samples.pixelsPerImage();
            float[] picked;
            try (NDManager scope = adv.images().getManager().newSubManager()) {
                NDArray p = adv.images().get(scope.create(Rows.toLong(rows)));
                p.attach(scope);
                picked = p.toFloatArray();
            }
            for (int k = 0; k < rows.length; k++) {
                int i = ids[rows[k]];
                System.arraycopy(picked, k * d, pixels[e], i * d, d);
                predicted[e][i] = adv.predicted()[rows[k]];
            }
        }

        /** Sample i's image and prediction at epsilon {@code to} become those at {@code from}, if it is a grid sample. */
        void copy(int from, int to, int i) {
            if (i < samples.count()) {
                int d = samples.pixelsPerImage();
                System.arraycopy(pixels[from], i * d, pixels[to], i * d, d);
                predicted[to][i] = predicted[from][i];
            }
        }

        Examples.Shot shot(Classifier model, int e) {
            return Evaluator.shot(model, pixels[e], predicted[e], samples);
        }
    }

    /** The images with the softmax probability the model gives the class it predicted. */
    static Examples.Shot shot(Classifier model, float[] pixels, int[] predicted, LabeledImages shape) {
        float[] confidence = new float[predicted.length];
        if (predicted.length > 0) {
            try (NDManager scope = model.manager().newSubManager()) {
                NDArray x = ImageBatch.of(scope, new LabeledImages(pixels, new int[predicted.length], shape.shape()));
                float[] p = model.logits(x).softmax(1).toFloatArray();
                int classes = p.length / predicted.length;
                for (int i = 0; i < predicted.length; i++) {
                    confidence[i] = p[i * classes + predicted[i]];
                }
            }
        }
        return new Examples.Shot(pixels, predicted.clone(), confidence);
    }

    public static int[] range(int from, int to) {
        int[] ids = new int[to - from];
        for (int i = 0; i < ids.length; i++) {
            ids[i] = from + i;
        }
        return ids;
    }
}
