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
            random[i] = new SplittableRandom(SampleSeeds.of(seed, batch.sampleIds()[i], 0x5a1eL + batch.drawOf(i)));
            if (norm == Norm.LINF) {
                SquareProposals.stripes(x, best, i, c, h, w, (float) eps, random[i]);
            } else {
                SquareProposals.blocks(x, best, i, c, h, w, eps, random[i]);
            }
        }
        int[] predicted = new int[n];
        double[] margin = margins(model, images, best, n, labels, classes, predicted);
        int[] open = Rows.where(positive(margin, Rows.all(n)));
        float[] proposal = new float[0];
        for (int it = 0; it < queries && open.length > 0; it++) {
            double p = SquareProposals.p(pInit, it);
            if (proposal.length != open.length * d) {
                proposal = new float[open.length * d];
            }
            for (int j = 0; j < open.length; j++) {
                int i = open[j];
                if (norm == Norm.LINF) {
                    System.arraycopy(best, i * d, proposal, j * d, d);
                    SquareProposals.window(x, i, proposal, j, c, h, w, SquareProposals.side(p, h, w), (float) eps, random[i]);
                } else {
                    SquareProposals.moveMass(x, best, i, proposal, j, c, h, w, SquareProposals.sideL2(p, h, w), eps, random[i]);
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
        try (NDManager scope = like.getManager().newSubManager()) {
            NDArray in = scope.create(pixels, new ai.djl.ndarray.types.Shape(shape));
            NDArray out = model.logits(in);
            out.attach(scope);
            System.arraycopy(Classifier.argMax(out), 0, predicted, 0, count);
            return Loss.marginsOnHost(out, labels);
        }
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
