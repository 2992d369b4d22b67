package advbench.attack;

import advbench.model.Bpda;
import advbench.model.Classifier;
import ai.djl.ndarray.NDArray;

/**
 * An attack run on another classifier than the one it is evaluated on, for the adaptive
 * evaluations of Athalye et al. (2018) and Tramer et al. (2020):
 *
 * <ul>
 *   <li>{@link #bpda}: the defended model with gradients by BPDA (the forward pass runs the input
 *       transformation, the backward pass its identity or approximation). Same logits, so the
 *       attack's own success flags hold;
 *   <li>{@link #transfer}: a source model (undefended, a surrogate): the attack crafts on it (an
 *       iterative one runs all its steps and hands over its last iterate, as transfer attacks
 *       do), and the evaluated model classifies the result, whose verdict it is.
 * </ul>
 *
 * Everything else (norm, targets, restarts, the sweep and its re-check) is the inner attack's.
 */
public final class RedirectedAttack implements Traceable {
    private final String name;
    private final Attack inner;
    private final Bpda bpda;
    private final Classifier source;

    private RedirectedAttack(String name, Attack inner, Bpda bpda, Classifier source) {
        this.name = name;
        this.inner = inner;
        this.bpda = bpda;
        this.source = source;
    }

    /** {@code inner} with its gradients taken through BPDA of the evaluated model's input transformation. */
    public static RedirectedAttack bpda(String name, Attack inner, Bpda bpda) {
        return new RedirectedAttack(name, inner, bpda, null);
    }

    /** {@code inner} crafted on {@code source}, judged on the evaluated model. */
    public static RedirectedAttack transfer(String name, Attack inner, Classifier source) {
        return new RedirectedAttack(name, inner, Bpda.NONE, source);
    }

    public Attack inner() {
        return inner;
    }

    /** The source a transfer attack crafts on, or null. */
    public Classifier source() {
        return source;
    }

    public Bpda bpdaMode() {
        return bpda;
    }

    /** The classifier a BPDA attack runs on, for the evaluated model {@code model}. */
    private Classifier craftingModel(Classifier model) {
        return model.withBpda(bpda);
    }

    @Override
    public Adversarial attack(Classifier model, Batch batch, Goal goal, double eps) {
        if (source == null) {
            return inner.attack(craftingModel(model), withoutCleanPass(batch), goal, eps);
        }
        Attack.checkEpsilon(name, eps);
        if (eps == 0) {
            return Attack.unperturbed(model, batch, goal);
        }
        long forward = source.passes().forward();
        long backward = source.passes().backward();
        // an iterative attack carries its last iterate over, not the first point that fooled the source
        Batch own = withoutCleanPass(batch); // the evaluator's clean pass is the evaluated model's, not the source's
        NDArray crafted = inner instanceof IterativeAttack iterative ? iterative.craftFor(source, own, goal, eps)
                : inner.attack(source, own, goal, eps).images();
        // the attack's cost is the crafting on the source: charged to the evaluated model, where the run reads costs
        model.passes().charge(source.passes().forward() - forward, source.passes().backward() - backward);
        return Adversarial.of(eps, crafted, model.predict(crafted), goal);
    }

    /** BPDA binds the inner attack to its view (a minimum-norm search answers every epsilon once); a transfer runs per epsilon. */
    @Override
    public Bound bind(Classifier model, Batch batch, Goal goal) {
        if (source != null) {
            return Traceable.super.bind(model, batch, goal);
        }
        Bound bound = inner.bind(craftingModel(model), withoutCleanPass(batch), goal);
        return new Bound() {
            @Override
            public Adversarial at(int[] rows, double eps, int draw) {
                return bound.at(rows, eps, draw);
            }

            /** BPDA's logits are the evaluated model's, so a minimum-norm search's norms hold for it. */
            @Override
            public double[] minimalNorms() {
                return bound.minimalNorms();
            }

            @Override
            public void close() {
                bound.close();
            }
        };
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public Norm norm() {
        return inner.norm();
    }

    @Override
    public boolean iterative() {
        return inner.iterative();
    }

    @Override
    public boolean gradientFree() {
        return inner.gradientFree();
    }

    @Override
    public Target target() {
        return inner.target();
    }

    @Override
    public int restarts() {
        return inner.restarts();
    }

    /**
     * A BPDA attack is traced as its inner attack on the BPDA view (the same logits, so the same
     * losses and successes); a transfer attack's loss is on another model than the evaluated
     * one: not traced.
     */
    @Override
    public Traceable traced() {
        return source == null && inner.traced() != null ? this : null;
    }

    @Override
    public Trace trace(Classifier model, Batch batch, Goal goal, double eps) {
        return inner.traced().trace(craftingModel(model), withoutCleanPass(batch), goal, eps);
    }

    /** BPDA's norms are the evaluated model's own (same logits); a transfer's are its source's. */
    @Override
    public boolean minimumNorm() {
        return source == null && inner.minimumNorm();
    }

    /**
     * The batch without the evaluator's clean pass: that pass is the evaluated model's gradient
     * without BPDA (zero behind a quantising transform), which a single-step inner attack would
     * otherwise reuse as its own.
     */
    private static Batch withoutCleanPass(Batch batch) {
        return batch.cleanPass() == null ? batch : batch.withCleanPass(null);
    }
}
