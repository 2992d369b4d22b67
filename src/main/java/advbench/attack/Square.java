package advbench.attack;

import advbench.model.Classifier;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.util.List;
import java.util.SplittableRandom;

/**
 * The Square Attack (Andriushchenko et al., 2020) in L-infinity and L2, as AutoAttack runs it
 * (fra31/auto-attack, square.py): a random search that needs no gradient, so it also tells
 * whether gradient-based attacks were misled by masked gradients. For up to {@code queries}
 * iterations it proposes a change inside a random square window and keeps the proposal when the
 * margin {@code z_y - max_{i != y} z_i} falls (or the sample is fooled). The window's share of
 * the image, p, starts at {@code p_init} and halves at iterations 10, 50, 200, 500, 1000, 2000,
 * 4000, 6000 and 8000 (AutoAttack does not rescale the schedule to the query budget).
 *
 * <p>L-infinity starts from vertical stripes of +-eps and sets the window of each channel to
 * x +- eps. L2 starts from a grid of "pseudo-Gaussian" blocks (nested rectangles, one half
 * positive, one negative) scaled to norm eps, and each proposal moves the perturbation's mass
 * from a second random window into the first, adding a fresh block there; the whole perturbation
 * is then rescaled to norm eps and clipped to the box.
 *
 * <p>The reference draws one window position and sign per iteration for the whole batch; here
 * every sample draws its own from its own random stream (the same distribution per sample), so a
 * sample gets the same result alone as in a batch. A sample stops at its first success, as in
 * the reference. The window's corner is drawn from 0 to side - size - 1, as the reference does.
 */
public final class Square implements Attack {
    private final String name;
    private final Norm norm;
    private final int queries;
    private final double pInit;
    private final int restarts;
    private final long seed;

    public Square(String name, Norm norm, int queries, double pInit, int restarts, long seed) {
        if (queries < 1 || !(pInit > 0 && pInit <= 1) || restarts < 1) {
            throw new IllegalArgumentException(name + ": queries and restarts must be at least 1 and p_init in (0, 1]");
        }
        if (norm != Norm.LINF && norm != Norm.L2) {
            throw new IllegalArgumentException(name + ": Square runs in linf or l2, not " + norm.label());
        }
        this.name = name;
        this.norm = norm;
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
        return norm;
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

    /** The L2 window's side: as {@link #side} but at least 3 and odd (so the block has a centre), at most the image. */
    static int sideL2(double p, int h, int w) {
        int s = (int) Math.max(Math.rint(Math.sqrt(p * h * w)), 3);
        if (s % 2 == 0) {
            s++;
        }
        return Math.min(s, Math.min(h, w));
    }

    /**
     * The reference's eta_rectangles(x, y): centred nested rectangles, the n-th (0-based) adding
     * 1 / (n + 1)^2, scaled to unit L2 norm; row-major x rows by y columns.
     */
    static double[] rectangles(int x, int y) {
        double[] delta = new double[x * y];
        int c0 = x / 2;
        int c1 = y / 2;
        for (int n = 0; n < Math.max(x / 2 + 1, y / 2 + 1); n++) {
            for (int r = Math.max(c0, 0); r < Math.min(c0 + 2 * n + 1, x); r++) {
                for (int col = Math.max(c1, 0); col < Math.min(c1 + 2 * n + 1, y); col++) {
                    delta[r * y + col] += 1.0 / ((n + 1) * (n + 1));
                }
            }
            c0--;
            c1--;
        }
        return unit(delta);
    }

    /**
     * The reference's eta(s): an s x s block whose top s/2 rows are rectangles(s/2, s) and whose
     * other rows are minus rectangles(s - s/2, s), scaled to unit L2 norm; transposed when asked
     * (the reference flips a coin for that).
     */
    static double[] block(int s, boolean transposed) {
        // pure in (s, transposed) and read on every L2 query of every sample: built once, shared, never written
        return BLOCKS.computeIfAbsent(2 * s + (transposed ? 1 : 0), key -> buildBlock(s, transposed));
    }

    private static final java.util.Map<Integer, double[]> BLOCKS = new java.util.concurrent.ConcurrentHashMap<>();

    private static double[] buildBlock(int s, boolean transposed) {
        double[] top = rectangles(s / 2, s);
        double[] bottom = rectangles(s - s / 2, s);
        double[] eta = new double[s * s];
        System.arraycopy(top, 0, eta, 0, top.length);
        for (int k = 0; k < bottom.length; k++) {
            eta[top.length + k] = -bottom[k];
        }
        unit(eta);
        if (!transposed) {
            return eta;
        }
        double[] t = new double[s * s];
        for (int r = 0; r < s; r++) {
            for (int col = 0; col < s; col++) {
                t[col * s + r] = eta[r * s + col];
            }
        }
        return t;
    }

    private static double[] unit(double[] v) {
        double norm = 0;
        for (double e : v) {
            norm += e * e;
        }
        norm = Math.sqrt(norm);
        for (int k = 0; k < v.length && norm > 0; k++) {
            v[k] /= norm;
        }
        return v;
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
            if (norm == Norm.LINF) {
                stripes(x, best, i, c, h, w, (float) eps, random[i]);
            } else {
                blocks(x, best, i, c, h, w, eps, random[i]);
            }
        }
        int[] predicted = new int[n];
        double[] margin = margins(model, images, best, n, labels, classes, predicted);
        int[] open = Rows.where(positive(margin, Rows.all(n)));
        float[] proposal = new float[0];
        for (int it = 0; it < queries && open.length > 0; it++) {
            double p = p(pInit, it);
            if (proposal.length != open.length * d) {
                proposal = new float[open.length * d];
            }
            for (int j = 0; j < open.length; j++) {
                int i = open[j];
                if (norm == Norm.LINF) {
                    System.arraycopy(best, i * d, proposal, j * d, d);
                    window(x, i, proposal, j, c, h, w, side(p, h, w), (float) eps, random[i]);
                } else {
                    moveMass(x, best, i, proposal, j, c, h, w, sideL2(p, h, w), eps, random[i]);
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

    /** L-infinity start: vertical stripes, one sign per channel and column. */
    private static void stripes(float[] x, float[] best, int i, int c, int h, int w, float eps, SplittableRandom random) {
        int d = c * h * w;
        for (int ch = 0; ch < c; ch++) {
            for (int col = 0; col < w; col++) {
                float sign = random.nextBoolean() ? 1f : -1f;
                for (int row = 0; row < h; row++) {
                    int k = i * d + ch * h * w + row * w + col;
                    best[k] = clip01(x[k] + eps * sign);
                }
            }
        }
    }

    /** L-infinity proposal: one window of every channel set to x +- eps (a sign per channel), written into row j of proposal. */
    private static void window(float[] x, int i, float[] proposal, int j, int c, int h, int w, int s, float eps, SplittableRandom random) {
        int d = c * h * w;
        int top = (int) ((h - s) * random.nextDouble());
        int left = (int) ((w - s) * random.nextDouble());
        for (int ch = 0; ch < c; ch++) {
            float sign = random.nextBoolean() ? 1f : -1f;
            for (int row = top; row < top + s; row++) {
                for (int col = left; col < left + s; col++) {
                    int k = ch * h * w + row * w + col;
                    proposal[j * d + k] = clip01(x[i * d + k] + eps * sign);
                }
            }
        }
    }

    /**
     * L2 start: the image tiled with blocks of side h / 5 from offset (h - 5 side) / 2, each a
     * fresh {@link #block} with a random sign per channel; the sum scaled to norm eps, then clipped.
     */
    private static void blocks(float[] x, float[] best, int i, int c, int h, int w, double eps, SplittableRandom random) {
        int d = c * h * w;
        int s = Math.max(h / 5, 1);
        int start = (h - 5 * s) / 2;
        double[] delta = new double[d];
        for (int top = start, r = 0; r < h / s; top += s, r++) {
            for (int left = start, q = 0; q < w / s; left += s, q++) {
                double[] eta = block(s, random.nextBoolean());
                for (int ch = 0; ch < c; ch++) {
                    double sign = random.nextBoolean() ? 1 : -1;
                    for (int row = top; row < Math.min(top + s, h); row++) {
                        for (int col = left; col < Math.min(left + s, w); col++) {
                            delta[ch * h * w + row * w + col] += eta[(row - top) * s + col - left] * sign;
                        }
                    }
                }
            }
        }
        scaledInto(x, i, delta, eps, best, i, d);
    }

    /**
     * L2 proposal, written into row j of proposal: the perturbation of {@code best} loses what it
     * had in a second random window, and the first window gets a fresh block plus its old content
     * (normalised), scaled per channel so that the norm freed by the second window and the budget
     * left unused move into it; the whole is scaled to norm eps and clipped, as the reference does.
     */
    private static void moveMass(float[] x, float[] best, int i, float[] proposal, int j, int c, int h, int w, int s, double eps,
                                 SplittableRandom random) {
        int d = c * h * w;
        int top1 = (int) ((h - s) * random.nextDouble());
        int left1 = (int) ((w - s) * random.nextDouble());
        int top2 = (int) ((h - s) * random.nextDouble());
        int left2 = (int) ((w - s) * random.nextDouble());
        double[] eta = block(s, random.nextBoolean());
        double[] delta = new double[d];
        double image = 0;
        for (int k = 0; k < d; k++) {
            delta[k] = (double) best[i * d + k] - x[i * d + k];
            image += delta[k] * delta[k];
        }
        double room = Math.max(eps * eps - image, 0) / c;
        double[] fresh = new double[s * s];
        for (int ch = 0; ch < c; ch++) {
            int plane = ch * h * w;
            double first = 0;
            double both = 0;
            for (int row = 0; row < h; row++) {
                for (int col = 0; col < w; col++) {
                    boolean in1 = row >= top1 && row < top1 + s && col >= left1 && col < left1 + s;
                    boolean in2 = row >= top2 && row < top2 + s && col >= left2 && col < left2 + s;
                    double v = delta[plane + row * w + col];
                    first += in1 ? v * v : 0;
                    both += in1 || in2 ? v * v : 0;
                }
            }
            first = Math.sqrt(first);
            double sign = random.nextBoolean() ? 1 : -1;
            double norm = 0;
            for (int row = 0; row < s; row++) {
                for (int col = 0; col < s; col++) {
                    double v = eta[row * s + col] * sign + delta[plane + (top1 + row) * w + left1 + col] / (1e-12 + first);
                    fresh[row * s + col] = v;
                    norm += v * v;
                }
            }
            double scale = Math.sqrt(room + both) / (1e-12 + Math.sqrt(norm));
            for (int row = 0; row < s; row++) {
                for (int col = 0; col < s; col++) {
                    delta[plane + (top2 + row) * w + left2 + col] = 0;
                }
            }
            for (int row = 0; row < s; row++) {
                for (int col = 0; col < s; col++) {
                    delta[plane + (top1 + row) * w + left1 + col] = fresh[row * s + col] * scale;
                }
            }
        }
        scaledInto(x, i, delta, eps, proposal, j, d);
    }

    /** Row {@code to} of {@code out} = clip01(x_i + eps delta / (||delta||_2 + 1e-12)). */
    private static void scaledInto(float[] x, int i, double[] delta, double eps, float[] out, int to, int d) {
        double norm = 0;
        for (double v : delta) {
            norm += v * v;
        }
        double scale = eps / (Math.sqrt(norm) + 1e-12);
        for (int k = 0; k < d; k++) {
            out[to * d + k] = clip01((float) (x[i * d + k] + delta[k] * scale));
        }
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
    public record Spec(String label, String norm, Integer queries, Double pInit, Integer restarts, List<Double> epsilons)
            implements AttackSpec {
        static final String TYPE = "square";

        public Spec {
            Norm n = ParamChecks.norm(TYPE, norm);
            norm = n == Norm.L2 ? "l2" : "linf";
            queries = queries == null ? 5000 : queries;
            if (queries < 1 || queries > 1_000_000) {
                throw new advbench.SpecException("queries", TYPE + " queries must be at least 1 and at most 1000000, got " + queries);
            }
            pInit = pInit == null ? 0.8 : pInit;
            if (!(pInit > 0 && pInit <= 1)) {
                throw new advbench.SpecException("p_init", TYPE + " p_init must be in (0, 1], got " + pInit);
            }
            restarts = ParamChecks.restarts(TYPE, restarts);
            label = ParamChecks.label(label, "Square" + (n == Norm.L2 ? "-L2" : "") + (queries != 5000 ? "-" + queries : "") + (restarts > 1 ? "x" + restarts : ""));
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
        public AttackSpec twiceTheSteps() {
            return new Spec(label, norm, AttackSpec.twice(queries, 1_000_000), pInit, restarts, epsilons);
        }

        @Override
        public Attack build(long seed) {
            return new Square(label, epsilonNorm(), queries, pInit, restarts, seed);
        }
    }
}
