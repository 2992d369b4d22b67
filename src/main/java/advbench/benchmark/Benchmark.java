package advbench.benchmark;

import advbench.RunLog;
import advbench.attack.Attack;
import advbench.attack.AutoAttack;
import advbench.bounds.BoundMethod;
import advbench.bounds.BoundedNetwork;
import advbench.attack.Batch;
import advbench.attack.Fgsm;
import advbench.attack.Norm;
import advbench.attack.Pgd;
import advbench.attack.StepSize;
import advbench.data.LabeledImages;
import advbench.eval.EpsilonSweeper;
import advbench.eval.Evaluator;
import advbench.eval.PlannedAttack;
import advbench.eval.Sweep;
import advbench.model.Classifier;
import advbench.model.Classifiers;
import advbench.model.Engines;
import advbench.model.ImageBatch;
import advbench.train.ModelTrainer;
import advbench.train.TrainingPlan;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BiConsumer;

/**
 * Measures what attacks cost against the floor they cannot beat: one forward and backward pass
 * with respect to the input. Every figure is images per second over real test images, after one
 * warm-up batch; a "cost" is a time divided by the time of a bare forward+backward pass over the
 * same images, measured right before it (see {@link Pairing}).
 */
public final class Benchmark {
    /** fgsm.yaml's sweep. */
    static final List<Double> SEVEN_EPSILONS = List.of(0.0, 0.05, 0.1, 0.15, 0.2, 0.25, 0.3);
    static final int PGD_STEPS = 40;
    /** Paired runs per phase; the median is reported. */
    static final int REPEATS = 3;
    /** A phase longer than this is run once: it already averages over many passes. */
    static final double LONG_PHASE_SECONDS = 30;
    /** Test images of the AutoAttack row. */
    static final int AUTOATTACK_IMAGES = 500;

    private final int batchSize;
    private final double minSeconds;
    private final RunLog log;

    /** @param minSeconds each timing repeats its pass over the images until it has taken this long */
    public Benchmark(int batchSize, double minSeconds, RunLog log) {
        this.batchSize = batchSize;
        this.minSeconds = minSeconds;
        this.log = log;
    }

    /** One measured phase: throughput and its cost relative to a bare forward+backward pass. */
    public record Rate(String phase, int images, double seconds, double imagesPerSecond, double costVsForwardBackward) {}

    public record ArchitectureRates(String architecture, List<Rate> rates) {}

    /**
     * Per architecture, freshly initialised (speed does not depend on the weights, except where
     * shortcuts skip fooled samples, and those are measured on the trained model): forward,
     * forward+backward, a 7-epsilon FGSM sweep and a PGD step with every sample attacked, and a
     * training step.
     */
    public ArchitectureRates architecture(String name, LabeledImages train, LabeledImages test, long seed) {
        Engines.seed(seed);
        List<Rate> rates = new ArrayList<>();
        try (Classifier model = Classifiers.create(name, test.shape())) {
            model.trainability().setAll(false);
            Pairing pairing = new Pairing(model, test);
            rates.add(pairing.baseline());
            rates.add(pairing.rate("forward", (m, b) -> model.predict(b.images()), 1));
            rates.add(pairing.rate("FGSM sweep, 7 eps, every sample", sweep(model, new Fgsm(), SEVEN_EPSILONS, Sweep.EXHAUSTIVE), 1));
            rates.add(pairing.rate("PGD step (PGD-40 / 40), every sample", sweep(model, pgd40(seed), List.of(0.3), Sweep.EXHAUSTIVE), PGD_STEPS));
            for (BoundMethod method : BoundMethod.values()) {
                rates.add(pairing.rate(method.label() + " bounds of the margins at eps 0.1", bounds(model, method), 1));
            }
        }
        Engines.seed(seed);
        try (Classifier model = Classifiers.create(name, train.shape())) {
            ModelTrainer trainer = ModelTrainer.standard(new TrainingPlan(1, 64, "adam", 0.001, "constant"), RunLog.silent());
            double seconds = trainer.train(model, train, test.first(100), seed)
                    .history().get(0).seconds();
            rates.add(new Rate("training step (Adam, batch 64)", train.count(), seconds, train.count() / seconds, Double.NaN));
        }
        log.info("benchmarked " + name);
        return new ArchitectureRates(name, List.copyOf(rates));
    }

    /**
     * The trained model of fgsm.yaml on the full test set: the 7-epsilon FGSM sweep with the
     * default shortcuts and without, and a PGD step, each against a bare forward+backward pass.
     */
    public ArchitectureRates trained(String label, Classifier model, LabeledImages test, long seed) {
        Pairing pairing = new Pairing(model, test);
        List<Rate> rates = new ArrayList<>();
        rates.add(pairing.baseline());
        rates.add(pairing.rate("FGSM sweep, 7 eps, shortcuts on (default)", sweep(model, new Fgsm(), SEVEN_EPSILONS, Sweep.FAST), 1));
        rates.add(pairing.rate("FGSM sweep, 7 eps, every sample", sweep(model, new Fgsm(), SEVEN_EPSILONS, Sweep.EXHAUSTIVE), 1));
        rates.add(pairing.rate("PGD step at eps 0.1 (PGD-40 / 40), every sample", sweep(model, pgd40(seed), List.of(0.1), Sweep.EXHAUSTIVE), PGD_STEPS));
        rates.add(pairing.rate("PGD-40 at eps 0.1, early stop on (default), per step", sweep(model, pgd40(seed), List.of(0.1), Sweep.FAST), PGD_STEPS));
        // on the first AUTOATTACK_IMAGES only: Square's 5000 queries per robust sample would make the whole set take many minutes;
        // both versions through the evaluator, which owns the fast version's audit
        int few = Math.min(AUTOATTACK_IMAGES, test.count());
        Pairing firstFew = new Pairing(model, test.first(few));
        for (String version : List.of("standard", "fast")) {
            Attack autoAttack = new AutoAttack.Spec(null, version, null, null, null, null, null, null, null, null, null, null).build(seed);
            rates.add(firstFew.rate("AutoAttack (" + version + ") at eps 0.1, shortcuts on (default), first " + few + " images",
                    evaluated(model, test.shape(), autoAttack, 0.1), 1));
        }
        log.info("benchmarked " + label);
        return new ArchitectureRates(label, List.copyOf(rates));
    }

    /** Resident memory over a long sweep: PGD-40 at {@code epsilons} over {@code test}, sampled every 2 s. */
    public List<ResidentMemory.Sampler.Sample> memorySweep(Classifier model, LabeledImages test, List<Double> epsilons, Sweep sweep, long seed) {
        ResidentMemory.Sampler sampler = new ResidentMemory.Sampler(2000);
        try {
            new Evaluator(batchSize, sweep, log).evaluate(model, test, List.of(new PlannedAttack(pgd40(seed), epsilons)), 0);
        } finally {
            sampler.close(); // stops sampling and takes a last sample
        }
        return sampler.samples();
    }

    static Pgd pgd40(long seed) {
        return new Pgd("PGD-40", Norm.LINF, PGD_STEPS, StepSize.relative(2.5 / PGD_STEPS), 1, seed, null);
    }

    /**
     * Certified lower bounds of every margin over the eps-0.1 ball, in chunks of {@link
     * BoundedNetwork#CHUNK}, each in a scope of its own: CROWN-IBP's backward pass holds a
     * coefficient per margin and value of each layer (for ibp-large, gigabytes per hundred images),
     * which must go before the next chunk comes (kept to the end of the batch, 500 images of
     * ibp-large took 24 GB).
     */
    private static BiConsumer<NDManager, Batch> bounds(Classifier model, BoundMethod method) {
        BoundedNetwork network = BoundedNetwork.of(model);
        return (m, b) -> {
            float[] pixels = b.images().toFloatArray();
            long[] shape = b.images().getShape().getShape().clone();
            int d = b.pixelsPerImage();
            for (int from = 0; from < b.size(); from += BoundedNetwork.CHUNK) {
                int to = Math.min(b.size(), from + BoundedNetwork.CHUNK);
                shape[0] = to - from;
                try (NDManager scope = m.newSubManager()) {
                    NDArray x = scope.create(java.util.Arrays.copyOfRange(pixels, from * d, to * d), new ai.djl.ndarray.types.Shape(shape));
                    network.marginLowerBounds(x, 0.1, java.util.Arrays.copyOfRange(b.labels(), from, to), method).toFloatArray();
                }
            }
        };
    }

    /** The evaluator on a batch's images: what a run does with them, audit included. */
    private BiConsumer<NDManager, Batch> evaluated(Classifier model, advbench.data.DataShape shape, Attack attack, double eps) {
        return (m, b) -> new Evaluator(batchSize, Sweep.FAST, RunLog.silent()).evaluate(model,
                new LabeledImages(b.images().toFloatArray(), b.labels(), shape), List.of(new PlannedAttack(attack, List.of(eps))), 0);
    }

    private static BiConsumer<NDManager, Batch> sweep(Classifier model, Attack attack, List<Double> eps, Sweep sweep) {
        return (m, b) -> EpsilonSweeper.run(attack, model, b, eps, sweep);
    }

    /**
     * Times phases against a bare forward+backward pass over the same images. This machine's
     * speed drifts by 10-20% from one few-second spell to the next (a single forward+backward
     * pass over 2,000 images took 0.49 to 0.76 s in four runs), so each timing averages at least
     * {@code minSeconds}, each run of a phase is paired with a forward+backward timing just
     * before it, and the cost is the median of the paired ratios over {@link #REPEATS} pairs (one
     * pair when a phase takes longer than {@link #LONG_PHASE_SECONDS}).
     */
    private final class Pairing {
        private final Classifier model;
        private final LabeledImages images;
        private final BiConsumer<NDManager, Batch> forwardBackward;

        Pairing(Classifier model, LabeledImages images) {
            this.model = model;
            this.images = images;
            this.forwardBackward = (m, b) -> model.lossGradient(b.images(), b.labels());
        }

        /** The bare forward+backward pass itself: the median of its runs. */
        Rate baseline() {
            List<Double> baselineSeconds = new ArrayList<>();
            for (int r = 0; r < REPEATS; r++) {
                baselineSeconds.add(time(model, images, forwardBackward));
            }
            double seconds = median(baselineSeconds);
            return new Rate("forward+backward (input gradient)", images.count(), seconds, images.count() / seconds, 1.0);
        }

        /** A phase whose time is divided by {@code steps}: a PGD-40 run is timed for the cost of one step. */
        Rate rate(String phase, BiConsumer<NDManager, Batch> op, int steps) {
            List<Double> seconds = new ArrayList<>();
            List<Double> ratios = new ArrayList<>();
            for (int r = 0; r < REPEATS; r++) {
                double fb = time(model, images, forwardBackward);
                double t = time(model, images, op) / steps;
                seconds.add(t);
                ratios.add(t / fb);
                if (t * steps > LONG_PHASE_SECONDS) {
                    break;
                }
            }
            double median = median(seconds);
            return new Rate(phase, images.count(), median, images.count() / median, median(ratios));
        }
    }

    static double median(List<Double> values) {
        List<Double> sorted = values.stream().sorted().toList();
        int n = sorted.size();
        return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
    }

    /**
     * Seconds per pass of {@code op} over all images in batches, after one untimed warm-up batch,
     * averaged over as many passes as take {@code minSeconds}: a single sub-second pass is too
     * short to time on a machine whose speed drifts.
     */
    private double time(Classifier model, LabeledImages images, BiConsumer<NDManager, Batch> op) {
        runBatch(model, images, 0, Math.min(batchSize, images.count()), op);
        long start = System.nanoTime();
        int passes = 0;
        double elapsed;
        do {
            for (int from = 0; from < images.count(); from += batchSize) {
                runBatch(model, images, from, Math.min(images.count(), from + batchSize), op);
            }
            passes++;
            elapsed = (System.nanoTime() - start) / 1e9;
        } while (elapsed < minSeconds);
        return elapsed / passes;
    }

    private static void runBatch(Classifier model, LabeledImages images, int from, int to, BiConsumer<NDManager, Batch> op) {
        try (NDManager scope = model.manager().newSubManager()) {
            op.accept(scope, new Batch(ImageBatch.of(scope, images, from, to), images.labelRange(from, to), Evaluator.range(from, to)));
        }
    }
}
