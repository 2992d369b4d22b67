package advbench.attack;

import advbench.model.Classifier;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Auto-PGD (Croce and Hein, 2020), as in the reference implementation (fra31/auto-attack,
 * autopgd_base.py): PGD whose step size needs no tuning. Per sample, the step starts at 2 eps;
 * after the first step a momentum of 0.75 mixes in the previous move; at checkpoints (after 22,
 * 41, 57, 70, 80, 87, 93 and 99 of 100 steps) a sample whose loss rose in at most 75% of the
 * steps since the last checkpoint, or whose step was not halved last time and whose best loss
 * did not improve, halves its step and goes back to its best point so far. Losses: cross-entropy
 * ({@code apgd}), DLR ({@code apgd} with {@code loss: dlr}), and targeted DLR towards the classes
 * ranked 2nd, 3rd, ... by the clean logits ({@code apgd-t}, one run per target class on the
 * samples no earlier target fooled; success is any misclassification, as in AutoAttack).
 *
 * <p>The reference's quirks are kept, since AutoAttack's numbers come from them: the first
 * checkpoint compares the first step's loss with an unfilled (zero) entry, condition 1 counts
 * "at most 75%" with {@code <=}, condition 2 cannot fire at the first checkpoint, the momentum
 * history is not reset when a sample goes back to its best point, and the L-inf start is a
 * uniform direction scaled so that its largest coordinate is eps. Where it differs: a sample
 * that the attack fools keeps its first successful iterate (the reference keeps the last one;
 * the robust accuracy is the same), and one it never fools returns its highest-loss point (the
 * reference returns the clean image).
 */
public final class Apgd implements Traceable {
    /** The reference's threshold for condition 1 (rho). */
    static final double RHO = 0.75;

    private final String name;
    private final Norm norm;
    private final int steps;
    private final int restarts;
    private final String loss;
    private final int targetClasses;
    private final long seed;
    private final int eot;

    public Apgd(String name, Norm norm, int steps, int restarts, String loss, int targetClasses, long seed) {
        this(name, norm, steps, restarts, loss, targetClasses, seed, 1);
    }

    /**
     * @param loss ce or dlr (untargeted); ignored when {@code targetClasses > 0} (targeted DLR)
     * @param targetClasses 0 for APGD-CE/DLR, else APGD-T with that many target classes
     * @param eot gradient passes averaged per step (expectation over transformation, for
     *            randomised models); the loss and prediction are the last pass's, as in the reference
     */
    public Apgd(String name, Norm norm, int steps, int restarts, String loss, int targetClasses, long seed, int eot) {
        if (steps < 1 || restarts < 1 || targetClasses < 0 || eot < 1) {
            throw new IllegalArgumentException(name + ": steps, restarts and eot must be at least 1");
        }
        this.eot = eot;
        this.name = name;
        this.norm = norm;
        this.steps = steps;
        this.restarts = restarts;
        this.loss = loss;
        this.targetClasses = targetClasses;
        this.seed = seed;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public Norm norm() {
        return norm;
    }

    @Override
    public boolean iterative() {
        return true;
    }

    /** APGD-T's target classes are runs of their own: the sweeper runs each only on the samples still robust. */
    @Override
    public int restarts() {
        return targetClasses > 0 ? targetClasses * restarts : restarts;
    }

    /** The checkpoints' first interval, its decrement and its minimum, as the reference computes them. */
    static int[] checkpointIntervals(int steps) {
        return new int[] {Math.max((int) (0.22 * steps), 1), Math.max((int) (0.03 * steps), 1), Math.max((int) (0.06 * steps), 1)};
    }

    @Override
    public Adversarial attack(Classifier model, Batch batch, Goal goal, double eps) {
        Attack.checkEpsilon(name, eps);
        if (eps == 0) {
            return Attack.unperturbed(model, batch, goal);
        }
        return run(model, batch, goal, eps, null);
    }

    /** One run without early stop, each iterate's loss and success recorded (APGD-T: towards the second-ranked class). */
    @Override
    public Trace trace(Classifier model, Batch batch, Goal goal, double eps) {
        if (!(eps > 0) || Double.isInfinite(eps)) {
            throw new IllegalArgumentException(name + ": a traced run needs a positive finite epsilon, got " + eps);
        }
        Trace trace = new Trace(new double[steps + 1][batch.size()], new boolean[steps + 1][batch.size()]);
        run(model, batch, new Goal(goal.labels(), goal.targets(), false), eps, trace).images().close();
        return trace;
    }

    /** The attack's loop; with a {@code trace}, each iterate's loss and success are written into it. */
    private Adversarial run(Classifier model, Batch batch, Goal goal, double eps, Trace trace) {
        int n = batch.size();
        int d = batch.pixelsPerImage();
        int classes = model.shape().classes();
        int[] labels = goal.labels();
        // APGD-T: draw r of the sweeper is target rank 2 + r / restarts (the reference loops restarts inside targets)
        int[] targets = targetClasses > 0 ? targetsRanked(model, batch, 2 + batch.draw() / restarts) : null;
        Loss objective = targets != null ? null : loss.equals("dlr") ? Loss.dlr() : Loss.crossEntropy();

        float[] result = new float[n * d];
        int[] predicted = new int[n];
        boolean[] fooled = new boolean[n];
        double[] stepSize = new double[n];
        Arrays.fill(stepSize, 2 * eps);
        double[] lossBest = new double[n];
        double[] lossBestLastCheck = new double[n];
        boolean[] reducedLastCheck = new boolean[n];
        Arrays.fill(reducedLastCheck, true);
        double[][] lossSteps = new double[steps][n]; // zeros: the reference's first window reads an unfilled entry

        NDManager outer = batch.images().getManager();
        State s = new State(batch.images().duplicate(), start(batch, eps));
        int[] rows = Rows.all(n);
        try {
            // the gradient at the start point
            Step first = evaluate(model, s.xAdv, rows, labels, targets, objective, classes, outer);
            s.grad = first.gradient;
            for (int j = 0; j < rows.length; j++) {
                lossBest[rows[j]] = first.loss[j];
            }
            record(trace, 0, rows, first, labels);
            s.xBest = s.xAdv.duplicate();
            s.gradBest = s.grad.duplicate();
            s.xAdvOld = s.xAdv.duplicate();
            rows = keepUnfooled(s, rows, first, fooled, predicted, result, d, goal, outer);

            int[] intervals = checkpointIntervals(steps);
            int k = intervals[0];
            int sinceCheck = 0;
            for (int i = 0; i < steps && rows.length > 0; i++) {
                try (NDManager scope = outer.newSubManager()) {
                    s.attach(scope);
                    NDArray step = perSample(scope, stepSize, rows);
                    float a = i > 0 ? 0.75f : 1f;
                    NDArray grad2 = s.xAdv.sub(s.xAdvOld);
                    NDArray z = project(s.xAdv.add(norm.ascent(s.grad).mul(step)), s.x, eps);
                    NDArray next = project(s.xAdv.add(z.sub(s.xAdv).mul(a)).add(grad2.mul(1 - a)), s.x, eps);
                    s.xAdvOld = s.xAdv;
                    s.xAdv = next;
                    Step now = evaluate(model, s.xAdv, rows, labels, targets, objective, classes, scope);
                    s.grad = now.gradient;
                    record(trace, i + 1, rows, now, labels);
                    boolean[] improved = new boolean[rows.length];
                    for (int j = 0; j < rows.length; j++) {
                        int r = rows[j];
                        lossSteps[i][r] = now.loss[j];
                        improved[j] = now.loss[j] > lossBest[r];
                        if (improved[j]) {
                            lossBest[r] = now.loss[j];
                        }
                    }
                    NDArray better = mask(scope, improved);
                    s.xBest = choose(better, s.xAdv, s.xBest);
                    s.gradBest = choose(better, s.grad, s.gradBest);
                    sinceCheck++;
                    if (sinceCheck == k) {
                        boolean[] halve = new boolean[rows.length];
                        for (int j = 0; j < rows.length; j++) {
                            int r = rows[j];
                            int rises = 0;
                            for (int c = 0; c < k; c++) {
                                int at = i - c;
                                rises += lossSteps[at][r] > lossSteps[Math.floorMod(at - 1, steps)][r] ? 1 : 0;
                            }
                            boolean oscillating = rises <= k * RHO;
                            boolean stalled = !reducedLastCheck[r] && lossBestLastCheck[r] >= lossBest[r];
                            halve[j] = oscillating || stalled;
                            reducedLastCheck[r] = halve[j];
                            lossBestLastCheck[r] = lossBest[r];
                            if (halve[j]) {
                                stepSize[r] /= 2;
                            }
                        }
                        NDArray back = mask(scope, halve);
                        s.xAdv = choose(back, s.xBest, s.xAdv);
                        s.grad = choose(back, s.gradBest, s.grad);
                        k = Math.max(k - intervals[1], intervals[2]);
                        sinceCheck = 0;
                    }
                    s.attach(outer);
                    rows = keepUnfooled(s, rows, now, fooled, predicted, result, d, goal, outer);
                }
            }
            // never fooled: the highest-loss point, which the model still classifies correctly
            if (rows.length > 0) {
                float[] best = s.xBest.toFloatArray();
                for (int j = 0; j < rows.length; j++) {
                    if (!fooled[rows[j]]) { // without earlyStop, fooled rows stay in the loop but keep their first success
                        System.arraycopy(best, j * d, result, rows[j] * d, d);
                        predicted[rows[j]] = labels[rows[j]];
                    }
                }
            }
        } finally {
            s.close();
        }
        NDArray images = outer.create(result, batch.images().getShape());
        return Adversarial.of(eps, images, predicted, goal);
    }

    private static void record(Trace trace, int iterate, int[] rows, Step step, int[] labels) {
        if (trace != null) {
            for (int j = 0; j < rows.length; j++) {
                trace.loss()[iterate][rows[j]] = step.loss[j];
                trace.success()[iterate][rows[j]] = step.predicted[j] != labels[rows[j]];
            }
        }
    }

    /** The classes ranked {@code rank} by the clean logits of each sample. */
    private static int[] targetsRanked(Classifier model, Batch batch, int rank) {
        float[] logits;
        try (NDArray z = model.logits(batch.images())) {
            logits = z.toFloatArray();
        }
        int classes = model.shape().classes();
        int[] t = new int[batch.size()];
        for (int i = 0; i < t.length; i++) {
            t[i] = LogitLosses.classRanked(logits, classes, i, Math.min(rank, classes));
        }
        return t;
    }

    /** The start: x plus eps times a random direction of norm 1 (L-inf: uniform in [-1, 1], scaled by its largest entry), clipped. */
    private NDArray start(Batch batch, double eps) {
        int d = batch.pixelsPerImage();
        float[] t = new float[batch.size() * d];
        for (int i = 0; i < batch.size(); i++) {
            SplittableRandom random = new SplittableRandom(SampleSeeds.of(seed, batch.sampleIds()[i], batch.draw()));
            double size = 0;
            for (int k = 0; k < d; k++) {
                double v = norm == Norm.LINF ? random.nextDouble(-1.0, 1.0) : random.nextGaussian();
                t[i * d + k] = (float) v;
                size = norm == Norm.LINF ? Math.max(size, Math.abs(v)) : size + v * v;
            }
            double scale = eps / ((norm == Norm.LINF ? size : Math.sqrt(size)) + 1e-12);
            for (int k = 0; k < d; k++) {
                t[i * d + k] = (float) (t[i * d + k] * scale);
            }
        }
        NDArray x = batch.images();
        try (NDManager scope = x.getManager().newSubManager()) {
            NDArray begin = scope.create(t, x.getShape()).add(x).clip(0f, 1f);
            begin.attach(x.getManager());
            return begin;
        }
    }

    /**
     * The reference's projection: L-inf clips to the ball and the box (exact); L2 rescales the
     * perturbation to norm min(eps, |delta|), then clips to the box (feasible, as clipping only
     * shrinks the perturbation).
     */
    private NDArray project(NDArray v, NDArray x, double eps) {
        if (norm == Norm.LINF) {
            return norm.project(v, x, eps);
        }
        NDArray delta = v.sub(x);
        NDArray length = Norm.perSampleL2(delta);
        return delta.div(length.add(1e-12f)).mul(length.minimum((float) eps)).add(x).clip(0f, 1f);
    }

    /** One gradient pass: the gradient, each row's loss value and prediction. */
    private record Step(NDArray gradient, double[] loss, int[] predicted) {}

    private Step evaluate(Classifier model, NDArray xAdv, int[] rows, int[] labels, int[] targets, Loss objective, int classes,
                          NDManager owner) {
        int[] y = Rows.pick(labels, rows);
        int[] t = targets == null ? null : Rows.pick(targets, rows);
        Loss l = t != null ? Loss.dlrTargeted(t) : objective;
        Classifier.Gradient g = model.gradientOf(xAdv, logits -> l.value(logits, Goal.untargeted(y)));
        NDArray gradient = g.gradient();
        for (int e = 1; e < eot; e++) {
            g.logits().close();
            g = model.gradientOf(xAdv, logits -> l.value(logits, Goal.untargeted(y)));
            NDArray sum = gradient.add(g.gradient());
            gradient.close();
            g.gradient().close();
            gradient = sum;
        }
        if (eot > 1) {
            gradient = gradient.div(eot); // the mean, as the reference takes; only its sign or direction is used
        }
        gradient.attach(owner);
        float[] logits = g.logits().toFloatArray();
        g.logits().close();
        double[] values = new double[rows.length];
        int[] predicted = new int[rows.length];
        for (int j = 0; j < rows.length; j++) {
            values[j] = t != null ? LogitLosses.dlrTargeted(logits, classes, j, y[j], t[j])
                    : loss.equals("dlr") ? LogitLosses.dlr(logits, classes, j, y[j])
                    : LogitLosses.crossEntropy(logits, classes, j, y[j]);
            predicted[j] = LogitLosses.argMax(logits, classes, j);
        }
        return new Step(gradient, values, predicted);
    }

    /**
     * Records the rows this step fooled (their current iterate is their result) and, with the
     * goal's earlyStop, drops them from the state; returns the rows still attacked.
     */
    private static int[] keepUnfooled(State s, int[] rows, Step step, boolean[] fooled, int[] predicted, float[] result, int d,
                                      Goal goal, NDManager outer) {
        boolean[] success = new boolean[rows.length];
        int[] newly = new int[rows.length];
        int count = 0;
        for (int j = 0; j < rows.length; j++) {
            success[j] = step.predicted[j] != goal.labels()[rows[j]];
            if (success[j] && !fooled[rows[j]]) {
                newly[count++] = j;
            }
        }
        if (count > 0) {
            int[] taken = Arrays.copyOf(newly, count);
            float[] pixels;
            try (NDManager scope = outer.newSubManager()) {
                NDArray picked = s.xAdv.get(scope.create(Rows.toLong(taken)));
                picked.attach(scope);
                pixels = picked.toFloatArray();
            }
            for (int k = 0; k < count; k++) {
                int r = rows[taken[k]];
                System.arraycopy(pixels, k * d, result, r * d, d);
                predicted[r] = step.predicted[taken[k]];
                fooled[r] = true;
            }
        }
        if (!goal.earlyStop() || count == 0) {
            return rows;
        }
        int[] keep = Rows.where(Rows.not(success));
        if (keep.length < rows.length) {
            s.keep(outer, keep);
        }
        return Rows.pick(rows, keep);
    }

    private static NDArray perSample(NDManager m, double[] values, int[] rows) {
        float[] v = new float[rows.length];
        for (int j = 0; j < rows.length; j++) {
            v[j] = (float) values[rows[j]];
        }
        return m.create(v, new Shape(rows.length, 1, 1, 1));
    }

    private static NDArray mask(NDManager m, boolean[] rows) {
        return m.create(rows).reshape(rows.length, 1, 1, 1);
    }

    /** Per row, {@code a} where the (n, 1, 1, 1) mask is set, else {@code b}; DJL's where does not broadcast the mask. */
    private static NDArray choose(NDArray mask, NDArray a, NDArray b) {
        return NDArrays.where(mask.broadcast(a.getShape()), a, b);
    }

    /** What the loop carries from step to step, all rows of the samples still attacked. */
    private static final class State implements AutoCloseable {
        NDArray x;
        NDArray xAdv;
        NDArray xAdvOld;
        NDArray xBest;
        NDArray grad;
        NDArray gradBest;

        State(NDArray x, NDArray xAdv) {
            this.x = x;
            this.xAdv = xAdv;
        }

        private List<NDArray> all() {
            return java.util.stream.Stream.of(x, xAdv, xAdvOld, xBest, grad, gradBest).filter(java.util.Objects::nonNull).toList();
        }

        /** Moves every state array into {@code m}: a step's scope, so that replaced arrays die with it, then back out. */
        void attach(NDManager m) {
            all().forEach(a -> a.attach(m));
        }

        /** Keeps only some rows. */
        void keep(NDManager outer, int[] keep) {
            try (NDManager scope = outer.newSubManager()) {
                NDArray index = scope.create(Rows.toLong(keep));
                attach(scope);
                x = x.get(index);
                xAdv = xAdv.get(index);
                xAdvOld = xAdvOld.get(index);
                xBest = xBest.get(index);
                grad = grad.get(index);
                gradBest = gradBest.get(index);
                attach(outer);
            }
        }

        @Override
        public void close() {
            all().forEach(NDArray::close);
        }
    }

    /**
     * {@code type: apgd}: AutoAttack's APGD-CE, or APGD-DLR with {@code loss: dlr}. Defaults as in
     * the reference: L-inf, 100 steps, one restart.
     */
    public record Spec(String label, String norm, Integer steps, Integer restarts, String loss, Integer eot, List<Double> epsilons)
            implements AttackSpec {
        static final String TYPE = "apgd";

        public Spec {
            Norm n = ParamChecks.norm(TYPE, norm);
            norm = n == Norm.L2 ? "l2" : "linf";
            steps = ParamChecks.steps(TYPE, steps, 100);
            restarts = ParamChecks.restarts(TYPE, restarts);
            loss = loss == null ? "ce" : loss;
            if (!loss.equals("ce") && !loss.equals("dlr")) {
                throw new advbench.SpecException("loss", TYPE + ": unknown loss '" + loss + "'; expected ce (cross-entropy) or dlr");
            }
            eot = eot == null ? 1 : eot;
            if (eot < 1 || eot > 1000) {
                throw new advbench.SpecException("eot", TYPE + " eot (gradient passes averaged per step) must be at least 1 and at most 1000,"
                        + " got " + eot);
            }
            label = ParamChecks.label(label, "APGD" + (n == Norm.L2 ? "-L2" : "") + "-" + loss.toUpperCase(java.util.Locale.ROOT)
                    + (steps != 100 ? "-" + steps : "") + (restarts > 1 ? "x" + restarts : "") + (eot > 1 ? "-EOT" + eot : ""));
            epsilons = ParamChecks.epsilons(epsilons, n, "epsilons");
        }

        @Override
        public Object target() {
            return null;
        }

        @Override
        public Norm epsilonNorm() {
            return Norm.parse(norm);
        }

        @Override
        public void checkAgainst(advbench.data.DataShape shape, List<Double> sweep) {
            AttackSpec.super.checkAgainst(shape, sweep);
            if (loss.equals("dlr") && shape.classes() < 3) {
                throw new advbench.SpecException("loss", "the DLR loss needs at least 3 classes; the data has " + shape.classes());
            }
        }

        @Override
        public AttackSpec twiceTheSteps() {
            return new Spec(label, norm, AttackSpec.twice(steps, advbench.SpecException.MAX_STEPS), restarts, loss, eot, epsilons);
        }

        @Override
        public Attack build(long seed) {
            return new Apgd(label, epsilonNorm(), steps, restarts, loss, 0, seed, eot);
        }
    }

    /**
     * {@code type: apgd-t}: AutoAttack's APGD-T, targeted DLR towards each of the
     * {@code target_classes} classes ranked highest after the top one by the clean logits
     * (default 9), one run each on the samples still robust.
     */
    public record TargetedSpec(String label, String norm, Integer steps, Integer restarts, Integer targetClasses, List<Double> epsilons)
            implements AttackSpec {
        static final String TYPE = "apgd-t";

        public TargetedSpec {
            Norm n = ParamChecks.norm(TYPE, norm);
            norm = n == Norm.L2 ? "l2" : "linf";
            steps = ParamChecks.steps(TYPE, steps, 100);
            restarts = ParamChecks.restarts(TYPE, restarts);
            targetClasses = targetClasses == null ? 9 : targetClasses;
            if (targetClasses < 1 || targetClasses > 999) {
                throw new advbench.SpecException("target_classes", TYPE + " target_classes must be at least 1 and at most 999, got "
                        + targetClasses);
            }
            label = ParamChecks.label(label, "APGD" + (n == Norm.L2 ? "-L2" : "") + "-T" + (steps != 100 ? "-" + steps : "")
                    + (restarts > 1 ? "x" + restarts : ""));
            epsilons = ParamChecks.epsilons(epsilons, n, "epsilons");
        }

        @Override
        public Object target() {
            return null;
        }

        @Override
        public Norm epsilonNorm() {
            return Norm.parse(norm);
        }

        @Override
        public void checkAgainst(advbench.data.DataShape shape, List<Double> sweep) {
            AttackSpec.super.checkAgainst(shape, sweep);
            if (shape.classes() < 4) {
                throw new advbench.SpecException("target_classes", "the targeted DLR loss needs at least 4 classes; the data has "
                        + shape.classes());
            }
            if (targetClasses > shape.classes() - 1) {
                throw new advbench.SpecException("target_classes", targetClasses + " target classes, but the data has only "
                        + (shape.classes() - 1) + " classes besides the true one");
            }
        }

        @Override
        public AttackSpec twiceTheSteps() {
            return new TargetedSpec(label, norm, AttackSpec.twice(steps, advbench.SpecException.MAX_STEPS), restarts, targetClasses, epsilons);
        }

        @Override
        public Attack build(long seed) {
            return new Apgd(label, epsilonNorm(), steps, restarts, "dlr", targetClasses, seed);
        }
    }
}
