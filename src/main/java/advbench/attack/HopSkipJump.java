package advbench.attack;

import advbench.model.Classifier;
import java.util.List;
import java.util.SplittableRandom;

/**
 * HopSkipJump (Chen, Jordan and Wainwright, IEEE S&P 2020), untargeted, in L2 or L-inf: a
 * decision-based minimum-norm attack that reads nothing of the model but its predicted label, so
 * it needs no gradient, true or approximated, and is what answers a defence whose gradients lie.
 * As the authors' code (hsja.py) runs it, per sample:
 *
 * <ol>
 *   <li>start from uniform noise that is misclassified, pulled towards the clean image by a
 *       binary search on the blend (to 0.001);
 *   <li>at each iteration t (from 1): a binary search between the clean image and the current
 *       point puts it on the boundary (to theta, gamma / (d sqrt d) in L2, gamma / d^2 in L-inf,
 *       in the blend for L2 and the L-inf radius for L-inf);
 *   <li>the boundary's normal estimated by Monte Carlo from 100 sqrt(t) label queries (at most
 *       10,000) at distance delta around it (0.1 at the first iteration, then sqrt(d) theta or d
 *       theta times the last distance), the sign of each draw's decision baselined by their mean;
 *   <li>a step along it (its sign in L-inf) of the distance over sqrt(t), halved until the point
 *       is misclassified (the geometric progression), then the binary search again.
 * </ol>
 *
 * The search for a misclassified start stops at the budget (or 1,000 draws). A sample begins an
 * iteration while its queries so far plus the iteration's gradient queries are within {@code
 * queries}; the binary searches that place a point on the boundary (about 10 for the start, 15
 * to 25 per iteration) and the step search may pass the budget by a few dozen. The point found is re-checked by {@link MinimumNorm}. Samples run in
 * lockstep, their label queries batched together, each with its own random stream, so a sample's
 * result depends on it alone.
 */
public final class HopSkipJump extends MinimumNorm {
    /** The authors' defaults: 100 gradient queries at the first iteration, growing with sqrt(t) to at most 10,000. */
    static final int INIT_EVALS = 100;
    static final int MAX_EVALS = 10_000;
    /** How many uniform-noise draws a sample may take to find a misclassified start before it is given up. */
    static final int INIT_TRIES = 1_000;
    /** Images per label query batch: large enough to keep libtorch busy, small enough to stay a few MB. */
    private static final int CHUNK = 2_048;
    /** Halvings of a step before the geometric progression gives up (the step is then below 1e-9 of the distance). */
    private static final int MAX_HALVINGS = 30;

    private final String name;
    private final Norm norm;
    private final int queries;
    private final double gamma;
    private final long seed;

    public HopSkipJump(String name, Norm norm, int queries, double gamma, long seed) {
        if (norm != Norm.L2 && norm != Norm.LINF) {
            throw new IllegalArgumentException(name + ": L2 or L-inf");
        }
        if (queries < 1 || !(gamma > 0)) {
            throw new IllegalArgumentException(name + ": queries at least 1, gamma above 0");
        }
        this.name = name;
        this.norm = norm;
        this.queries = queries;
        this.gamma = gamma;
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
    public boolean gradientFree() {
        return true;
    }

    /** The label-only view of the model for one batch: which points are misclassified, each query counted against its sample. */
    private final class Oracle {
        final Classifier model;
        final Batch batch;
        final int[] labels;
        final int d;
        final int[] used;

        Oracle(Classifier model, Batch batch, Goal goal) {
            this.model = model;
            this.batch = batch;
            this.labels = goal.labels();
            this.d = batch.pixelsPerImage();
            this.used = new int[batch.size()];
        }

        /** Whether each point (d pixels each, of sample {@code owners[k]}) is misclassified. */
        boolean[] adversarial(float[] points, int[] owners) {
            boolean[] out = new boolean[owners.length];
            for (int from = 0; from < owners.length; from += CHUNK) {
                int to = Math.min(owners.length, from + CHUNK);
                int[] predicted;
                long[] shape = batch.images().getShape().getShape().clone();
                shape[0] = to - from;
                // one copy of the chunk straight into an array (Rows.predict would pick its rows again)
                try (ai.djl.ndarray.NDManager scope = batch.images().getManager().newSubManager()) {
                    predicted = model.predict(scope.create(java.util.Arrays.copyOfRange(points, from * d, to * d),
                            new ai.djl.ndarray.types.Shape(shape)));
                }
                for (int k = from; k < to; k++) {
                    out[k] = predicted[k - from] != labels[owners[k]];
                    used[owners[k]]++;
                }
            }
            return out;
        }
    }

    @Override
    protected Found search(Classifier model, Batch batch, Goal goal) {
        if (goal.targeted()) {
            throw new IllegalArgumentException(name + " runs untargeted only");
        }
        int n = batch.size();
        int d = batch.pixelsPerImage();
        float[] x0 = batch.images().toFloatArray();
        int[] cleanPredicted = model.predict(batch.images());
        Oracle oracle = new Oracle(model, batch, goal);
        SplittableRandom[] random = new SplittableRandom[n];
        boolean[] open = new boolean[n];
        for (int i = 0; i < n; i++) {
            random[i] = new SplittableRandom(SampleSeeds.of(seed, batch.sampleIds()[i], 0x45a1L + batch.drawOf(i)));
            open[i] = cleanPredicted[i] == goal.labels()[i];
            oracle.used[i] = 1;
        }
        double theta = norm == Norm.L2 ? gamma / (Math.sqrt(d) * d) : gamma / ((double) d * d);
        float[] x = x0.clone();
        boolean[] found = start(oracle, x0, x, open, random);
        double[] afterStep = new double[n];
        boolean[] active = found.clone();
        for (int i = 0; i < n; i++) {
            afterStep[i] = distance(x, x0, i, d);
        }
        boundarySearch(oracle, x0, x, Rows.where(active), theta, afterStep);
        for (int t = 1; ; t++) {
            int evals = (int) Math.min(MAX_EVALS, INIT_EVALS * Math.sqrt(t));
            for (int i = 0; i < n; i++) {
                active[i] &= oracle.used[i] + evals <= queries;
            }
            int[] rows = Rows.where(active);
            if (rows.length == 0) {
                break;
            }
            double[] delta = new double[rows.length];
            for (int j = 0; j < rows.length; j++) {
                delta[j] = t == 1 ? 0.1 : (norm == Norm.L2 ? Math.sqrt(d) : d) * theta * afterStep[rows[j]];
            }
            float[][] direction = normals(oracle, x, rows, evals, delta, random);
            geometricStep(oracle, x0, x, rows, direction, t, afterStep);
            boundarySearch(oracle, x0, x, rows, theta, afterStep);
        }
        double[] norms = new double[n];
        for (int i = 0; i < n; i++) {
            norms[i] = cleanPredicted[i] != goal.labels()[i] ? 0 : found[i] ? distance(x, x0, i, d) : Double.POSITIVE_INFINITY;
            if (!found[i]) {
                System.arraycopy(x0, i * d, x, i * d, d);
            }
        }
        return new Found(x, norms, Rows.predict(model, batch.images(), x, Rows.all(n), d), cleanPredicted);
    }

    /**
     * The start of each open sample: uniform noise, drawn until misclassified (one query a draw),
     * then blended towards the clean image by a binary search to 0.001. Returns which samples have one.
     */
    private boolean[] start(Oracle oracle, float[] x0, float[] x, boolean[] open, SplittableRandom[] random) {
        int n = open.length;
        int d = oracle.d;
        float[] noise = new float[n * d];
        boolean[] searching = open.clone();
        boolean[] found = new boolean[n];
        for (int tries = 0; tries < Math.min(INIT_TRIES, queries - 1); tries++) {
            int[] rows = Rows.where(searching);
            if (rows.length == 0) {
                break;
            }
            float[] draws = new float[rows.length * d];
            for (int j = 0; j < rows.length; j++) {
                for (int k = 0; k < d; k++) {
                    draws[j * d + k] = (float) random[rows[j]].nextDouble();
                }
            }
            boolean[] hit = oracle.adversarial(draws, rows);
            for (int j = 0; j < rows.length; j++) {
                if (hit[j]) {
                    System.arraycopy(draws, j * d, noise, rows[j] * d, d);
                    searching[rows[j]] = false;
                    found[rows[j]] = true;
                }
            }
        }
        double[] low = new double[n];
        double[] high = new double[n];
        java.util.Arrays.fill(high, 1);
        while (true) {
            int[] rows = Rows.where(found);
            rows = java.util.Arrays.stream(rows).filter(i -> high[i] - low[i] > 0.001).toArray();
            if (rows.length == 0) {
                break;
            }
            float[] blended = new float[rows.length * d];
            double[] mid = new double[rows.length];
            for (int j = 0; j < rows.length; j++) {
                int i = rows[j];
                mid[j] = (high[i] + low[i]) / 2;
                blend(x0, noise, i, mid[j], blended, j, d);
            }
            boolean[] hit = oracle.adversarial(blended, rows);
            for (int j = 0; j < rows.length; j++) {
                if (hit[j]) {
                    high[rows[j]] = mid[j];
                } else {
                    low[rows[j]] = mid[j];
                }
            }
        }
        for (int i = 0; i < n; i++) {
            if (found[i]) {
                float[] out = new float[d];
                blend(x0, noise, i, high[i], out, 0, d);
                System.arraycopy(out, 0, x, i * d, d);
            }
        }
        return found;
    }

    /** (1 - a) x0 + a noise, of sample i, into out's row j. */
    private static void blend(float[] x0, float[] noise, int i, double a, float[] out, int j, int d) {
        for (int k = 0; k < d; k++) {
            out[j * d + k] = (float) ((1 - a) * x0[i * d + k] + a * noise[i * d + k]);
        }
    }

    /**
     * The binary search between the clean image and each row's current (misclassified) point that
     * puts it on the boundary: in L2 on the blend (to theta), in L-inf on the radius of the box
     * around the clean image the point is clipped to (to theta times the radius, at most theta).
     * {@code afterStep} receives each row's distance before the search, which sets the next delta.
     */
    private void boundarySearch(Oracle oracle, float[] x0, float[] x, int[] rows, double theta, double[] afterStep) {
        int d = oracle.d;
        int m = rows.length;
        double[] low = new double[m];
        double[] high = new double[m];
        double[] tolerance = new double[m];
        float[] outer = Rows.pick(x, rows, d);
        for (int j = 0; j < m; j++) {
            double dist = distance(x, x0, rows[j], d);
            afterStep[rows[j]] = dist;
            high[j] = norm == Norm.L2 ? 1 : dist;
            tolerance[j] = norm == Norm.L2 ? theta : Math.min(dist * theta, theta);
        }
        while (true) {
            int[] left = java.util.stream.IntStream.range(0, m).filter(j -> (high[j] - low[j]) / tolerance[j] > 1).toArray();
            if (left.length == 0) {
                break;
            }
            float[] points = new float[left.length * d];
            double[] mid = new double[left.length];
            int[] owners = new int[left.length];
            for (int q = 0; q < left.length; q++) {
                int j = left[q];
                mid[q] = (high[j] + low[j]) / 2;
                owners[q] = rows[j];
                project(x0, outer, rows[j], j, mid[q], points, q, d);
            }
            boolean[] hit = oracle.adversarial(points, owners);
            for (int q = 0; q < left.length; q++) {
                if (hit[q]) {
                    high[left[q]] = mid[q];
                } else {
                    low[left[q]] = mid[q];
                }
            }
        }
        float[] on = new float[d];
        for (int j = 0; j < m; j++) {
            project(x0, outer, rows[j], j, high[j], on, 0, d);
            System.arraycopy(on, 0, x, rows[j] * d, d);
        }
    }

    /** hsja.py's project: L2, the blend (1 - a) x0 + a p; L-inf, p clipped to the box of radius a around x0. */
    private void project(float[] x0, float[] p, int i, int j, double a, float[] out, int q, int d) {
        for (int k = 0; k < d; k++) {
            double c = x0[i * d + k];
            double v = p[j * d + k];
            out[q * d + k] = (float) (norm == Norm.L2 ? (1 - a) * c + a * v : Math.max(c - a, Math.min(c + a, v)));
        }
    }

    /**
     * The estimated normal of the boundary at each row's point, unit length: {@code evals} random
     * directions u (Gaussian in L2, uniform in [-1, 1] in L-inf, each scaled to unit L2 length),
     * queried at clip(x + delta u); the mean of u weighted by each query's decision (+1 / -1) less
     * the decisions' mean, or plus or minus the mean of u when every decision agrees.
     */
    private float[][] normals(Oracle oracle, float[] x, int[] rows, int evals, double[] delta, SplittableRandom[] random) {
        int d = oracle.d;
        float[][] out = new float[rows.length][];
        int perChunk = Math.max(1, CHUNK / evals);
        for (int from = 0; from < rows.length; from += perChunk) {
            int to = Math.min(rows.length, from + perChunk);
            int count = (to - from) * evals;
            float[] points = new float[count * d];
            float[] directions = new float[count * d];
            int[] owners = new int[count];
            for (int j = from; j < to; j++) {
                int i = rows[j];
                for (int e = 0; e < evals; e++) {
                    int r = (j - from) * evals + e;
                    owners[r] = i;
                    double sum = 0;
                    for (int k = 0; k < d; k++) {
                        double u = norm == Norm.L2 ? random[i].nextGaussian() : 2 * random[i].nextDouble() - 1;
                        directions[r * d + k] = (float) u;
                        sum += u * u;
                    }
                    double scale = 1 / Math.sqrt(sum);
                    for (int k = 0; k < d; k++) {
                        double p = Math.max(0, Math.min(1, x[i * d + k] + delta[j] * directions[r * d + k] * scale));
                        points[r * d + k] = (float) p;
                        directions[r * d + k] = (float) ((p - x[i * d + k]) / delta[j]); // the direction actually taken, after the box
                    }
                }
            }
            boolean[] hit = oracle.adversarial(points, owners);
            for (int j = from; j < to; j++) {
                int base = (j - from) * evals;
                double mean = 0;
                for (int e = 0; e < evals; e++) {
                    mean += hit[base + e] ? 1 : -1;
                }
                mean /= evals;
                double[] g = new double[d];
                for (int e = 0; e < evals; e++) {
                    double f = mean == 1 || mean == -1 ? mean : (hit[base + e] ? 1 : -1) - mean;
                    for (int k = 0; k < d; k++) {
                        g[k] += f * directions[(base + e) * d + k];
                    }
                }
                double size = 0;
                for (double v : g) {
                    size += v * v;
                }
                size = Math.sqrt(size);
                float[] unit = new float[d];
                for (int k = 0; k < d; k++) {
                    unit[k] = (float) (size > 0 ? g[k] / size : 0);
                }
                out[j] = unit;
            }
        }
        return out;
    }

    /**
     * The geometric progression: from each row's point, a step along its normal (its sign in
     * L-inf) of its distance over sqrt(t), halved until the point is misclassified; a row whose
     * step never is keeps its point.
     */
    private void geometricStep(Oracle oracle, float[] x0, float[] x, int[] rows, float[][] direction, int t, double[] afterStep) {
        int d = oracle.d;
        double[] step = new double[rows.length];
        boolean[] searching = new boolean[rows.length];
        for (int j = 0; j < rows.length; j++) {
            step[j] = distance(x, x0, rows[j], d) / Math.sqrt(t);
            searching[j] = true;
        }
        for (int halvings = 0; halvings <= MAX_HALVINGS; halvings++) {
            int[] left = Rows.where(searching);
            if (left.length == 0) {
                break;
            }
            float[] points = new float[left.length * d];
            int[] owners = new int[left.length];
            for (int q = 0; q < left.length; q++) {
                int j = left[q];
                int i = rows[j];
                owners[q] = i;
                for (int k = 0; k < d; k++) {
                    double u = norm == Norm.LINF ? Math.signum(direction[j][k]) : direction[j][k];
                    points[q * d + k] = (float) Math.max(0, Math.min(1, x[i * d + k] + step[j] * u));
                }
            }
            boolean[] hit = oracle.adversarial(points, owners);
            for (int q = 0; q < left.length; q++) {
                int j = left[q];
                if (hit[q]) {
                    System.arraycopy(points, q * d, x, rows[j] * d, d);
                    searching[j] = false;
                } else {
                    step[j] /= 2;
                }
            }
        }
    }

    private double distance(float[] x, float[] x0, int i, int d) {
        return norm.distance(x, x0, i * d, d);
    }

    /**
     * {@code type: hsja}: the authors' settings (gamma 1, 100 to 10,000 gradient queries per
     * iteration) with a budget of 10,000 label queries per sample; L-inf unless {@code norm: l2}.
     */
    public record Spec(String label, String norm, Integer queries, Double gamma, Object target, List<Double> epsilons)
            implements AttackSpec {
        static final String TYPE = "hsja";

        public Spec {
            Norm n = ParamChecks.norm(TYPE, norm);
            norm = n == Norm.L2 ? "l2" : "linf";
            queries = queries == null ? 10_000 : queries;
            if (queries < 1 || queries > 1_000_000) {
                throw new advbench.SpecException("queries", TYPE + " queries must be at least 1 and at most 1000000, got " + queries);
            }
            gamma = gamma == null ? 1.0 : gamma;
            if (!(gamma > 0 && gamma <= 100_000)) {
                throw new advbench.SpecException("gamma", TYPE + " gamma must be above 0 and at most 100000, got " + gamma);
            }
            if (target != null) {
                // a targeted HopSkipJump starts from an image of the target class, which the attack is not given
                throw new advbench.SpecException("target", TYPE + " runs untargeted only: it starts from noise the model misclassifies,"
                        + " and a target class needs a starting image of that class");
            }
            label = ParamChecks.label(label, "HSJA" + (n == Norm.L2 ? "-L2" : "") + (queries != 10_000 ? "-" + queries : ""));
            epsilons = ParamChecks.epsilons(epsilons, n, "epsilons");
        }

        @Override
        public Norm epsilonNorm() {
            return Norm.parse(norm);
        }

        @Override
        public AttackSpec twiceTheSteps() {
            return new Spec(label, norm, AttackSpec.twice(queries, 1_000_000), gamma, null, epsilons);
        }

        /** theta, the binary search's tolerance, must stay below 1: at 1 the search ends before it starts. */
        @Override
        public void checkAgainst(advbench.data.DataShape shape, List<Double> sweep) {
            AttackSpec.super.checkAgainst(shape, sweep);
            double d = shape.pixelsPerImage();
            double theta = epsilonNorm() == Norm.L2 ? gamma / (d * Math.sqrt(d)) : gamma / (d * d);
            if (theta >= 1) {
                throw new advbench.SpecException("gamma", String.format(java.util.Locale.ROOT,
                        "%s makes the binary search's tolerance %.3g for %s images, at least 1: below %.0f keeps it under 1", gamma, theta,
                        shape.describeImage(), epsilonNorm() == Norm.L2 ? d * Math.sqrt(d) : d * d));
            }
        }

        @Override
        public Attack build(long seed) {
            return new HopSkipJump(label, epsilonNorm(), queries, gamma, seed);
        }
    }
}
