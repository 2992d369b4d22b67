package advbench.train;

import advbench.attack.Batch;
import advbench.attack.IterativeAttack;
import advbench.attack.Loss;
import advbench.model.Classifier;
import advbench.model.CrossEntropy;
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

    private static NDArray[] crossEntropy(Trainer trainer, Batch batch, NDArray inputs) {
        NDArray logits = trainer.forward(new NDList(inputs)).singletonOrThrow();
        return new NDArray[] {CrossEntropy.mean(logits, batch.labels()), logits};
    }
}
