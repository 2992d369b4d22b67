package advbench.eval;

import advbench.Progress;
import advbench.RunLog;
import advbench.attack.Adversarial;
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
            boolean ensemble = planned.attack().stages() != null;
            for (double eps : planned.epsilons()) {
                perEps.add(new EpsilonOutcome(eps, new int[n], targeted ? new int[n] : null, new float[n], new float[n], new int[1],
                        ensemble ? new int[n] : null, new boolean[n]));
            }
            GridRows grid = new GridRows(planned, samples);
            double[] minimalNorms = planned.attack() instanceof MinimumNorm ? new double[n] : null;
            long start = System.nanoTime();
            long forward0 = model.passes().forward();
            long backward0 = model.passes().backward();
            long rechecked = 0;
            try (Progress bar = log.progress(planned.attack().name(), n, "img")) {
                for (int from = 0; from < n; from += batchSize) {
                    int to = Math.min(n, from + batchSize);
                    rechecked += attackBatch(model, test, from, to, planned, perEps, grid, minimalNorms, along);
                    bar.advance(to - from);
                }
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
            AttackOutcome outcome = new AttackOutcome(a.name(), a.norm(), a.iterative(),
                    a.target() == null ? null : a.target().describe(), List.copyOf(perEps), a.stages(), forward, backward, a.gradientFree(),
                    minimalNorms, rechecked / (double) n);
            outcomes.add(outcome);
            if (ensemble) {
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

    /** One batch of one attack's sweep into the outcomes; returns the images the re-check passed forward. */
    private long attackBatch(Classifier model, LabeledImages test, int from, int to, PlannedAttack planned,
                             List<EpsilonOutcome> perEps, GridRows grid, double[] minimalNorms, CleanPass cleanPass) {
        try (NDManager scope = model.manager().newSubManager()) {
            NDArray x = ImageBatch.of(scope, test, from, to);
            Batch batch = new Batch(x, test.labelRange(from, to), range(from, to));
            if (cleanPass != null) {
                batch = cleanPass.run(model, batch, from);
            }
            EpsilonSweeper.Swept swept = EpsilonSweeper.sweep(planned.attack(), model, batch, planned.epsilons(), sweep);
            if (minimalNorms != null) {
                System.arraycopy(swept.minimalNorms(), 0, minimalNorms, from, to - from);
            }
            List<Adversarial> results = swept.perEpsilon();
            for (int e = 0; e < results.size(); e++) {
                Adversarial adv = results.get(e);
                EpsilonOutcome out = perEps.get(e);
                NDArray delta = adv.images().sub(x).reshape(to - from, -1);
                float[] linf = delta.abs().max(new int[] {1}).toFloatArray();
                float[] l2 = delta.square().sum(new int[] {1}).sqrt().toFloatArray();
                System.arraycopy(adv.predicted(), 0, out.predicted(), from, adv.predicted().length);
                out.attacked()[0] += adv.attacked();
                if (out.targets() != null) {
                    System.arraycopy(adv.targets(), 0, out.targets(), from, adv.targets().length);
                }
                System.arraycopy(linf, 0, out.linf(), from, linf.length);
                System.arraycopy(l2, 0, out.l2(), from, l2.length);
                if (out.stages() != null) {
                    System.arraycopy(adv.stages(), 0, out.stages(), from, adv.stages().length);
                }
                System.arraycopy(swept.disagreed().get(e), 0, out.disagreed(), from, to - from);
                grid.take(e, from, adv);
            }
            return swept.recheckForward();
        }
    }

    /** An ensemble's accuracy after each of its stages, per epsilon, as AutoAttack logs it. */
    private void logStages(AttackOutcome outcome, int[] labels) {
        for (EpsilonOutcome e : outcome.perEpsilon()) {
            double[] after = MetricsCalculator.accuracyAfterStages(e.stages(), outcome.stages().size());
            StringBuilder line = new StringBuilder(String.format(java.util.Locale.ROOT, "%s at eps %s:", outcome.attack(), e.epsilon()));
            for (int s = 0; s < after.length; s++) {
                line.append(String.format(java.util.Locale.ROOT, "%s %s %.2f%%", s == 0 ? "" : ",", s == 0 ? "clean" : "after " + outcome.stages().get(s),
                        100 * after[s]));
            }
            log.info(line.toString());
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

        /** Copies the rows of a batch starting at test index {@code from} that are grid samples. */
        void take(int e, int from, Adversarial adv) {
            int k = Math.min(samples.count() - from, adv.predicted().length);
            if (k <= 0) {
                return;
            }
            int d = samples.pixelsPerImage();
            float[] rows;
            try (NDManager scope = adv.images().getManager().newSubManager()) {
                NDArray picked = adv.images().get(scope.create(Rows.toLong(Rows.all(k))));
                picked.attach(scope);
                rows = picked.toFloatArray();
            }
            System.arraycopy(rows, 0, pixels[e], from * d, k * d);
            System.arraycopy(adv.predicted(), 0, predicted[e], from, k);
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
