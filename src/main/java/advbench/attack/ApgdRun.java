package advbench.attack;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.SplittableRandom;

/**
 * One run of {@link Apgd} on {@link AscentLoop}: its random start, the momentum step with each
 * sample's step size from {@link ApgdSchedule}, and the best point (highest loss) each sample
 * goes back to when its step is halved, and ends at when it is never fooled.
 */
final class ApgdRun implements AscentLoop.Run {
    private final Batch batch;
    private final double eps;
    private final Norm norm;
    private final long seed;
    private final long[] purposes;
    private final ApgdSchedule schedule;
    private NDArray xAdvOld;
    private NDArray xBest;
    private NDArray gradBest;

    /** @param purposes per sample, what its random start is drawn for (see {@link SampleSeeds}) */
    ApgdRun(Batch batch, double eps, Norm norm, int steps, long seed, long[] purposes) {
        this.batch = batch;
        this.eps = eps;
        this.norm = norm;
        this.seed = seed;
        this.purposes = purposes;
        this.schedule = new ApgdSchedule(steps, batch.size(), eps);
    }

    /** x plus eps times a random direction of norm 1 (L-inf: uniform in [-1, 1], scaled by its largest entry), clipped. */
    @Override
    public NDArray start() {
        int d = batch.pixelsPerImage();
        float[] t = new float[batch.size() * d];
        for (int i = 0; i < batch.size(); i++) {
            SplittableRandom random = new SplittableRandom(SampleSeeds.of(seed, batch.sampleIds()[i], purposes[i]));
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

    @Override
    public void evaluated(int t, AscentLoop.Iterate it) {
        double[] losses = it.losses();
        if (t == 0) {
            schedule.start(it.rows, losses);
            xBest = it.xAdv.duplicate();
            gradBest = it.gradient.duplicate();
            xAdvOld = it.xAdv.duplicate();
            return;
        }
        NDArray better = mask(it.xAdv.getManager(), schedule.record(t, it.rows, losses));
        xBest = choose(better, it.xAdv, xBest);
        gradBest = choose(better, it.gradient, gradBest);
        boolean[] halve = schedule.checkpoint(t, it.rows);
        if (halve != null) {
            NDArray back = mask(it.xAdv.getManager(), halve);
            it.xAdv = choose(back, xBest, it.xAdv);
            it.gradient = choose(back, gradBest, it.gradient);
        }
    }

    @Override
    public NDArray step(int t, AscentLoop.Iterate it) {
        float[] sizes = schedule.stepSizes(it.rows);
        NDArray step = it.xAdv.getManager().create(sizes, new Shape(sizes.length, 1, 1, 1));
        float a = t > 0 ? 0.75f : 1f;
        NDArray grad2 = it.xAdv.sub(xAdvOld);
        NDArray z = project(it.xAdv.add(norm.ascent(it.gradient).mul(step)), it.x);
        NDArray next = project(it.xAdv.add(z.sub(it.xAdv).mul(a)).add(grad2.mul(1 - a)), it.x);
        xAdvOld = it.xAdv;
        return next;
    }

    /**
     * The reference's projection: L-inf clips to the ball and the box (exact); L2 rescales the
     * perturbation to norm min(eps, |delta|), then clips to the box (feasible, as clipping only
     * shrinks the perturbation).
     */
    private NDArray project(NDArray v, NDArray x) {
        if (norm == Norm.LINF) {
            return norm.project(v, x, eps);
        }
        NDArray delta = v.sub(x);
        NDArray length = Norm.perSampleL2(delta);
        return delta.div(length.add(1e-12f)).mul(length.minimum((float) eps)).add(x).clip(0f, 1f);
    }

    @Override
    public void keep(NDArray index) {
        xAdvOld = xAdvOld.get(index);
        xBest = xBest.get(index);
        gradBest = gradBest.get(index);
    }

    @Override
    public void attach(NDManager m) {
        for (NDArray a : new NDArray[] {xAdvOld, xBest, gradBest}) {
            if (a != null) {
                a.attach(m);
            }
        }
    }

    /** The reference takes a gradient at every iterate, the last included: the passes are AutoAttack's. */
    @Override
    public boolean gradientAtLastIterate() {
        return true;
    }

    /** Compared in double precision: the reference's float32 ties are not worth reproducing, a rounding-free order is. */
    @Override
    public double[] losses(AscentLoop.Iterate it) {
        return it.loss.onHostExact(it.logits, it.goal);
    }

    /** Never fooled: the highest-loss point, which the model classified correctly when it was evaluated. */
    @Override
    public NDArray finalPoint(AscentLoop.Iterate it) {
        return xBest;
    }

    @Override
    public int[] finalPredicted(AscentLoop.Iterate it) {
        return it.goal.labels();
    }

    private static NDArray mask(NDManager m, boolean[] rows) {
        return m.create(rows).reshape(rows.length, 1, 1, 1);
    }

    /** Per row, {@code a} where the (n, 1, 1, 1) mask is set, else {@code b}; DJL's where does not broadcast the mask. */
    private static NDArray choose(NDArray mask, NDArray a, NDArray b) {
        return NDArrays.where(mask.broadcast(a.getShape()), a, b);
    }
}
