package advbench.benchmark;

import advbench.RunLog;
import advbench.attack.Attack;
import advbench.attack.Batch;
import advbench.attack.Fgsm;
import advbench.attack.Norm;
import advbench.attack.Pgd;
import advbench.attack.StepSize;
import advbench.attack.Sweep;
import advbench.data.LabeledImages;
import advbench.eval.Evaluator;
import advbench.eval.PlannedAttack;
import advbench.experiment.ModelSpec;
import advbench.model.Classifier;
import advbench.model.Engines;
import advbench.model.ImageBatch;
import advbench.train.ModelTrainer;
import ai.djl.ndarray.NDManager;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BiConsumer;

/**
 * Measures what attacks cost against the floor they cannot beat: one forward and backward pass
 * with respect to the input. Every figure is images per second over real MNIST images, after one
 * warm-up batch; a "cost" is a time divided by the time of a bare forward+backward pass over the
 * same images.
 */
public final class Benchmark {
    /** fgsm.yaml's sweep. */
    static final List<Double> SEVEN_EPSILONS = List.of(0.0, 0.05, 0.1, 0.15, 0.2, 0.25, 0.3);
    static final int PGD_STEPS = 40;

    private final int batchSize;
    private final RunLog log;

    public Benchmark(int batchSize, RunLog log) {
        this.batchSize = batchSize;
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
        try (Classifier model = Classifier.create(name, test.rows(), test.cols())) {
            model.setTrainable(false);
            double fb = time(model, test, (m, b) -> model.lossGradient(b.images(), b.labels()));
            rates.add(rate("forward+backward (input gradient)", test.count(), fb, fb));
            rates.add(rate("forward", test.count(), time(model, test, (m, b) -> model.predict(b.images())), fb));
            rates.add(rate("FGSM sweep, 7 eps, every sample", test.count(), time(model, test, sweep(model, new Fgsm(), SEVEN_EPSILONS, Sweep.EXHAUSTIVE)), fb));
            double pgd = time(model, test, sweep(model, pgd40(seed), List.of(0.3), Sweep.EXHAUSTIVE));
            rates.add(rate("PGD step (PGD-40 / 40), every sample", test.count(), pgd / PGD_STEPS, fb));
        }
        Engines.seed(seed);
        try (Classifier model = Classifier.create(name, train.rows(), train.cols())) {
            ModelTrainer trainer = ModelTrainer.standard(new ModelSpec(name, 1, 64, "adam", 0.001), RunLog.silent());
            double seconds = trainer.train(model, train, test.select(Evaluator.range(0, Math.min(100, test.count()))), seed)
                    .history().get(0).seconds();
            rates.add(rate("training step (Adam, batch 64)", train.count(), seconds, Double.NaN));
        }
        log.info("benchmarked " + name);
        return new ArchitectureRates(name, List.copyOf(rates));
    }

    /**
     * The trained model of fgsm.yaml on the full test set: the 7-epsilon FGSM sweep with the
     * default shortcuts and without, and a PGD step, each against a bare forward+backward pass.
     */
    public ArchitectureRates trained(String label, Classifier model, LabeledImages test, long seed) {
        List<Rate> rates = new ArrayList<>();
        double fb = time(model, test, (m, b) -> model.lossGradient(b.images(), b.labels()));
        rates.add(rate("forward+backward (input gradient)", test.count(), fb, fb));
        rates.add(rate("FGSM sweep, 7 eps, shortcuts on (default)", test.count(), time(model, test, sweep(model, new Fgsm(), SEVEN_EPSILONS, Sweep.FAST)), fb));
        rates.add(rate("FGSM sweep, 7 eps, every sample", test.count(), time(model, test, sweep(model, new Fgsm(), SEVEN_EPSILONS, Sweep.EXHAUSTIVE)), fb));
        double pgd = time(model, test, sweep(model, pgd40(seed), List.of(0.1), Sweep.EXHAUSTIVE));
        rates.add(rate("PGD step at eps 0.1 (PGD-40 / 40), every sample", test.count(), pgd / PGD_STEPS, fb));
        double early = time(model, test, sweep(model, pgd40(seed), List.of(0.1), Sweep.FAST));
        rates.add(rate("PGD-40 at eps 0.1, early stop on (default), per step", test.count(), early / PGD_STEPS, fb));
        log.info("benchmarked " + label);
        return new ArchitectureRates(label, List.copyOf(rates));
    }

    /** Resident memory over a long sweep: PGD-40 at {@code epsilons} over {@code test}, sampled every 2 s. */
    public List<ResidentMemory.Sampler.Sample> memorySweep(Classifier model, LabeledImages test, List<Double> epsilons, Sweep sweep, long seed) {
        ResidentMemory.Sampler sampler = new ResidentMemory.Sampler(2000);
        try {
            new Evaluator(batchSize, sweep, log).evaluate(model, test, List.of(new PlannedAttack(pgd40(seed), epsilons)));
        } finally {
            sampler.close(); // stops sampling and takes a last sample
        }
        return sampler.samples();
    }

    static Pgd pgd40(long seed) {
        return new Pgd("PGD-40", Norm.LINF, PGD_STEPS, StepSize.relative(2.5 / PGD_STEPS), 1, true, seed, null);
    }

    private static BiConsumer<NDManager, Batch> sweep(Classifier model, Attack attack, List<Double> eps, Sweep sweep) {
        return (m, b) -> attack.run(model, b, eps, sweep);
    }

    private static Rate rate(String phase, int images, double seconds, double forwardBackwardSeconds) {
        return new Rate(phase, images, seconds, images / seconds, seconds / forwardBackwardSeconds);
    }

    /** Seconds to run {@code op} over all images in batches, after one untimed warm-up batch. */
    private double time(Classifier model, LabeledImages images, BiConsumer<NDManager, Batch> op) {
        runBatch(model, images, 0, Math.min(batchSize, images.count()), op);
        long start = System.nanoTime();
        for (int from = 0; from < images.count(); from += batchSize) {
            runBatch(model, images, from, Math.min(images.count(), from + batchSize), op);
        }
        return (System.nanoTime() - start) / 1e9;
    }

    private static void runBatch(Classifier model, LabeledImages images, int from, int to, BiConsumer<NDManager, Batch> op) {
        try (NDManager scope = model.manager().newSubManager()) {
            op.accept(scope, new Batch(ImageBatch.of(scope, images, from, to), images.labelRange(from, to), Evaluator.range(from, to)));
        }
    }
}
