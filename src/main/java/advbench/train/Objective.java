package advbench.train;

import advbench.attack.Batch;
import advbench.attack.IterativeAttack;
import advbench.attack.Loss;
import advbench.model.Classifier;
import advbench.model.CrossEntropy;
import advbench.model.Scalars;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.training.Trainer;

/**
 * What a training step minimises. Adversarial objectives craft their examples in
 * {@link #prepare}, before the training step's GradientCollector opens (only one may be open at
 * a time); crafting freezes the parameters, so no attack gradient reaches the weight update.
 * The crafting is an evaluation attack's own loop, drawing fresh random starts every epoch.
 */
public interface Objective {

    /** Inputs for the step, e.g. adversarial examples; called outside any GradientCollector. */
    NDArray prepare(Classifier model, Batch batch, int epoch);

    /** The loss to minimise, inside the step's collector, and the logits accuracy is counted on. */
    NDArray[] lossAndLogits(Trainer trainer, Batch batch, NDArray prepared);

    /** Told before each epoch (from 1) how many batches it has: what a schedule within epochs needs. */
    default void beginEpoch(int epoch, int batches) {}

    /** Plain cross-entropy on the clean batch. */
    static Objective standard() {
        return new Objective() {
            @Override
            public NDArray prepare(Classifier model, Batch batch, int epoch) {
                return batch.images();
            }

            @Override
            public NDArray[] lossAndLogits(Trainer trainer, Batch batch, NDArray prepared) {
                return crossEntropy(trainer, batch, prepared);
            }
        };
    }

    /**
     * Cross-entropy on examples crafted by an attack's loop, ascending the attack's own loss
     * (FGSM-RS is PGD with one step from a random start; Madry et al. train on the last PGD iterate).
     */
    static Objective adversarial(IterativeAttack attack, double eps) {
        return new Objective() {
            @Override
            public NDArray prepare(Classifier model, Batch batch, int epoch) {
                return attack.craft(model, batch.withDraw(epoch), eps);
            }

            @Override
            public NDArray[] lossAndLogits(Trainer trainer, Batch batch, NDArray prepared) {
                return crossEntropy(trainer, batch, prepared);
            }
        };
    }

    /**
     * TRADES: CE on clean + beta * KL(clean || adversarial), the adversary (an attack's loop
     * starting near x) ascending the KL from the model's clean outputs of each batch, whatever
     * loss the attack would ascend on its own.
     */
    static Objective trades(IterativeAttack adversary, double eps, double beta) {
        return new Objective() {
            @Override
            public NDArray prepare(Classifier model, Batch batch, int epoch) {
                try (NDArray clean = model.logits(batch.images())) {
                    return adversary.craft(model, batch.withDraw(epoch), eps, Loss.klDivergenceFrom(clean));
                }
            }

            @Override
            public NDArray[] lossAndLogits(Trainer trainer, Batch batch, NDArray prepared) {
                NDArray clean = trainer.forward(new NDList(batch.images())).singletonOrThrow();
                NDArray adv = trainer.forward(new NDList(prepared)).singletonOrThrow();
                return new NDArray[] {Trades.loss(clean, adv, batch.labels(), beta), clean};
            }
        };
    }

    /**
     * Training with certified bounds (Gowal et al. 2018; Zhang et al. 2020): kappa * CE(clean) +
     * (1 - kappa) * CE(-lb), lb the lower bounds of the margins z_y - z_j over the ball of the
     * schedule's epsilon (0 for the label, so -lb are logits whose cross-entropy is small only when
     * every margin is certified). For CROWN-IBP, lb = beta * CROWN-IBP's + (1 - beta) * IBP's. The
     * bounds run through the model's own parameter arrays, so their gradient reaches the update.
     * While epsilon is 0 (the warm-up) the step is natural training.
     */
    static Objective verified(advbench.bounds.BoundMethod method, VerifiedSchedule schedule) {
        return new Objective() {
            private advbench.bounds.BoundedNetwork network;
            private int epoch;
            private int batches = 1;
            private int batch;

            @Override
            public void beginEpoch(int epoch, int batches) {
                this.epoch = epoch;
                this.batches = Math.max(1, batches);
                this.batch = 0;
            }

            @Override
            public NDArray prepare(Classifier model, Batch batch, int epoch) {
                if (network == null) {
                    network = advbench.bounds.BoundedNetwork.of(model);
                }
                return batch.images();
            }

            @Override
            public NDArray[] lossAndLogits(Trainer trainer, Batch b, NDArray prepared) {
                double progress = (epoch - 1) + (double) batch++ / batches;
                NDArray logits = trainer.forward(new NDList(prepared)).singletonOrThrow();
                NDArray natural = CrossEntropy.mean(logits, b.labels());
                double eps = schedule.epsilonAt(progress);
                if (eps <= 0) {
                    return new NDArray[] {natural, logits};
                }
                var intervals = network.propagate(advbench.bounds.Interval.ball(prepared, eps));
                NDArray spec = advbench.bounds.BoundedNetwork.marginSpec(prepared.getManager(), b.labels(), network.classes());
                NDArray lower = network.ibpLowerBound(intervals, spec);
                double beta = method == advbench.bounds.BoundMethod.CROWN_IBP ? schedule.betaAt(progress) : 0;
                if (beta > 1e-5) { // Zhang et al. skip CROWN's pass once its weight is this small
                    lower = Scalars.times(network.crownLowerBound(intervals, spec), beta).add(Scalars.times(lower, 1 - beta));
                }
                NDArray robust = CrossEntropy.mean(lower.neg(), b.labels());
                double kappa = schedule.kappaAt(progress);
                return new NDArray[] {Scalars.times(natural, kappa).add(Scalars.times(robust, 1 - kappa)), logits};
            }
        };
    }

    /**
     * Cross-entropy on images under Gaussian noise of {@code sigma} (not clipped, as Cohen et al.
     * train the base classifier of randomized smoothing), drawn from the engine's seeded generator.
     */
    static Objective noise(double sigma) {
        return new Objective() {
            @Override
            public NDArray prepare(Classifier model, Batch batch, int epoch) {
                NDArray x = batch.images();
                return x.add(x.getManager().randomNormal(0f, (float) sigma, x.getShape(), x.getDataType()));
            }

            @Override
            public NDArray[] lossAndLogits(Trainer trainer, Batch batch, NDArray prepared) {
                return crossEntropy(trainer, batch, prepared);
            }
        };
    }

    private static NDArray[] crossEntropy(Trainer trainer, Batch batch, NDArray inputs) {
        NDArray logits = trainer.forward(new NDList(inputs)).singletonOrThrow();
        return new NDArray[] {CrossEntropy.mean(logits, batch.labels()), logits};
    }
}
