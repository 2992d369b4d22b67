package advbench.attack;

import advbench.model.Classifier;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.util.List;
import java.util.SplittableRandom;

/**
 * The Square Attack (Andriushchenko et al., 2020), L-infinity, as AutoAttack runs it
 * (fra31/auto-attack, square.py): a random search that needs no gradient, so it also tells
 * whether gradient-based attacks were misled by masked gradients. It starts from vertical
 * stripes of +-eps, then for up to {@code queries} iterations proposes to set one random square
 * window of each channel to x +- eps and keeps the proposal when the margin
 * {@code z_y - max_{i != y} z_i} falls (or the sample is fooled). The window's share of the
 * image, p, starts at {@code p_init} and halves at iterations 10, 50, 200, 500, 1000, 2000, 4000,
 * 6000 and 8000 (AutoAttack does not rescale the schedule to the query budget).
 *
 * <p>The reference draws one window position and sign per iteration for the whole batch; here
 * every sample draws its own from its own random stream (the same distribution per sample), so a
 * sample gets the same result alone as in a batch. A sample stops at its first success, as in
 * the reference. The window's corner is drawn from 0 to side - size - 1, as the reference does.
 */
public final class Square implements Attack {
    private final String name;
    private final int queries;
    private final double pInit;
    private final int restarts;
    private final long seed;

    public Square(String name, int queries, double pInit, int restarts, long seed) {
        if (queries < 1 || !(pInit > 0 && pInit <= 1) || restarts < 1) {
            throw new IllegalArgumentException(name + ": queries and restarts must be at least 1 and p_init in (0, 1]");
        }
        this.name = name;
        this.queries = queries;
        this.pInit = pInit;
        this.restarts = restarts;
        this.seed = seed;
    }

    @Override
    public int restarts() {
        return restarts;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public Norm norm() {
        return Norm.LINF;
    }

    @Override
    public boolean gradientFree() {
        return true;
    }

    /** The window's share of the image at iteration {@code it} (0-based), AutoAttack's p_selection without rescaling. */
    static double p(double pInit, int it) {
        int[] bounds = {10, 50, 200, 500, 1000, 2000, 4000, 6000, 8000};
        int halvings = 0;
        while (halvings < bounds.length && it > bounds[halvings]) {
            halvings++;
        }
        return pInit / (1 << halvings);
    }

    /** The window's side for share p of an h x w image: round(sqrt(p h w)) (half to even, as Python), at least 1, at most the image. */
    static int side(double p, int h, int w) {
        int s = (int) Math.max(Math.rint(Math.sqrt(p * h * w)), 1);
        return Math.min(s, Math.min(h, w));
    }

    @Override
    public Adversarial attack(Classifier model, Batch batch, Goal goal, double eps) {
        Attack.checkEpsilon(name, eps);
        if (eps == 0) {
            return Attack.unperturbed(model, batch, goal);
        }
        NDArray images = batch.images();
        long[] shape = images.getShape().getShape();
        int n = batch.size();
        int c = (int) shape[1];
        int h = (int) shape[2];
        int w = (int) shape[3];
        int d = c * h * w;
        int classes = model.shape().classes();
        int[] labels = goal.labels();
        float[] x = images.toFloatArray();
        float[] best = new float[n * d];
        SplittableRandom[] random = new SplittableRandom[n];
        for (int i = 0; i < n; i++) {
            random[i] = new SplittableRandom(SampleSeeds.of(seed, batch.sampleIds()[i], 0x5a1eL + batch.draw()));
            // vertical stripes: one sign per channel and column
            for (int ch = 0; ch < c; ch++) {
                for (int col = 0; col < w; col++) {
                    float sign = random[i].nextBoolean() ? 1f : -1f;
                    for (int row = 0; row < h; row++) {
                        int k = i * d + ch * h * w + row * w + col;
                        best[k] = clip01(x[k] + (float) eps * sign);
                    }
                }
            }
        }
        int[] predicted = new int[n];
        double[] margin = margins(model, images, best, n, labels, classes, predicted);
        int[] open = Rows.where(positive(margin, Rows.all(n)));
        float[] proposal = new float[0];
        for (int it = 0; it < queries && open.length > 0; it++) {
            int s = side(p(pInit, it), h, w);
            if (proposal.length != open.length * d) {
                proposal = new float[open.length * d];
            }
            for (int j = 0; j < open.length; j++) {
                int i = open[j];
                System.arraycopy(best, i * d, proposal, j * d, d);
                int top = (int) ((h - s) * random[i].nextDouble());
                int left = (int) ((w - s) * random[i].nextDouble());
                for (int ch = 0; ch < c; ch++) {
                    float sign = random[i].nextBoolean() ? 1f : -1f;
                    for (int row = top; row < top + s; row++) {
                        for (int col = left; col < left + s; col++) {
                            int k = ch * h * w + row * w + col;
                            proposal[j * d + k] = clip01(x[i * d + k] + (float) eps * sign);
                        }
                    }
                }
            }
            int[] predictedNow = new int[open.length];
            double[] now = margins(model, images, proposal, open.length, Rows.pick(labels, open), classes, predictedNow);
            for (int j = 0; j < open.length; j++) {
                int i = open[j];
                if (now[j] < margin[i] || now[j] <= 0) {
                    margin[i] = now[j];
                    predicted[i] = predictedNow[j];
                    System.arraycopy(proposal, j * d, best, i * d, d);
                }
            }
            open = Rows.pick(open, Rows.where(positive(margin, open)));
        }
        return Adversarial.of(eps, images.getManager().create(best, images.getShape()), predicted, goal);
    }

    private static float clip01(float v) {
        return Math.max(0f, Math.min(1f, v));
    }

    private static boolean[] positive(double[] margin, int[] rows) {
        boolean[] p = new boolean[rows.length];
        for (int j = 0; j < rows.length; j++) {
            p[j] = margin[rows[j]] > 0;
        }
        return p;
    }

    /** One forward pass of the {@code count} images in {@code pixels}: each one's margin and prediction. */
    private static double[] margins(Classifier model, NDArray like, float[] pixels, int count, int[] labels, int classes, int[] predicted) {
        long[] shape = like.getShape().getShape().clone();
        shape[0] = count;
        float[] logits;
        try (NDManager scope = like.getManager().newSubManager()) {
            NDArray in = scope.create(pixels, new ai.djl.ndarray.types.Shape(shape));
            NDArray out = model.logits(in);
            out.attach(scope);
            logits = out.toFloatArray();
        }
        double[] m = new double[count];
        for (int j = 0; j < count; j++) {
            m[j] = LogitLosses.margin(logits, classes, j, labels[j]);
            predicted[j] = LogitLosses.argMax(logits, classes, j);
        }
        return m;
    }

    /**
     * {@code type: square}: AutoAttack's settings by default, 5000 queries and p_init 0.8 (for
     * every data set: 0.05 is the Square paper's setting for undefended ImageNet models).
     */
    public record Spec(String label, Integer queries, Double pInit, Integer restarts, List<Double> epsilons) implements AttackSpec {
        static final String TYPE = "square";

        public Spec {
            queries = queries == null ? 5000 : queries;
            if (queries < 1 || queries > 1_000_000) {
                throw new advbench.SpecException("queries", TYPE + " queries must be at least 1 and at most 1000000, got " + queries);
            }
            pInit = pInit == null ? 0.8 : pInit;
            if (!(pInit > 0 && pInit <= 1)) {
                throw new advbench.SpecException("p_init", TYPE + " p_init must be in (0, 1], got " + pInit);
            }
            restarts = ParamChecks.restarts(TYPE, restarts);
            label = ParamChecks.label(label, "Square" + (queries != 5000 ? "-" + queries : "") + (restarts > 1 ? "x" + restarts : ""));
            epsilons = ParamChecks.epsilons(epsilons, Norm.LINF, "epsilons");
        }

        @Override
        public Object target() {
            return null;
        }

        @Override
        public Attack build(long seed) {
            return new Square(label, queries, pInit, restarts, seed);
        }
    }
}
