package advbench.train;

import advbench.attack.Batch;
import advbench.attack.IterativeAttack;
import advbench.model.Classifier;
import advbench.model.CrossEntropy;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.training.Trainer;

/**
 * What a training step minimises. Adversarial objectives craft their examples in
 * {@link #prepare}, before the training step's GradientCollector opens (only one may be open at
 * a time); crafting freezes the parameters, so no attack gradient reaches the weight update.
 */
public interface Objective {

    /** Inputs for the step, e.g. adversarial examples; called outside any GradientCollector. */
    NDArray prepare(Classifier model, Batch batch, int epoch);

    /** The loss to minimise, inside the step's collector, and the logits accuracy is counted on. */
    NDArray[] lossAndLogits(Trainer trainer, Batch batch, NDArray prepared);

    /** Plain cross-entropy on the clean batch. */
    static Objective standard() {
        return new Objective() {
            @Override
            public NDArray prepare(Classifier model, Batch batch, int epoch) {
                return batch.images();
            }

            @Override
            public NDArray[] lossAndLogits(Trainer trainer, Batch batch, NDArray prepared) {
                NDArray logits = trainer.forward(new NDList(prepared)).singletonOrThrow();
                return new NDArray[] {CrossEntropy.mean(logits, batch.labels()), logits};
            }
        };
    }

    /**
     * Cross-entropy on examples crafted by an evaluation attack's loop (FGSM-RS is PGD with one
     * step from a random start). The random start of each sample changes every epoch.
     */
    static Objective adversarial(IterativeAttack attack, double eps) {
        return new Objective() {
            @Override
            public NDArray prepare(Classifier model, Batch batch, int epoch) {
                return attack.craft(model, batch, eps, epoch);
            }

            @Override
            public NDArray[] lossAndLogits(Trainer trainer, Batch batch, NDArray prepared) {
                NDArray logits = trainer.forward(new NDList(prepared)).singletonOrThrow();
                return new NDArray[] {CrossEntropy.mean(logits, batch.labels()), logits};
            }
        };
    }

    /** TRADES: CE on clean + beta * KL(clean || adversarial), the adversary maximising the KL. */
    static Objective trades(int steps, double alpha, double eps, double beta, long seed) {
        TradesCrafter crafter = new TradesCrafter(steps, alpha, seed);
        return new Objective() {
            @Override
            public NDArray prepare(Classifier model, Batch batch, int epoch) {
                try (NDArray clean = model.logits(batch.images())) {
                    return crafter.craft(model, batch.images(), clean, batch.sampleIds(), epoch, eps);
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
}
