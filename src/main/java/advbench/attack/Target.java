package advbench.attack;

import advbench.model.Classifier;
import java.util.SplittableRandom;

/**
 * Where a targeted attack aims, chosen per sample. A targeted attack succeeds when the
 * prediction equals the target; a sample whose true label is the target (only possible with a
 * fixed target) is left alone and gets {@link #NONE}.
 */
public sealed interface Target {
    int NONE = -1;

    int[] choose(Classifier model, Batch batch);

    /** The target an experiment file names (checked when it was read): least-likely, random (drawn from {@code seed}), a class, or null. */
    static Target of(Object target, long seed) {
        if (target == null) {
            return null;
        }
        if (target instanceof Integer c) {
            return new FixedClass(c);
        }
        return "random".equals(target) ? new RandomClass(seed) : new LeastLikely();
    }

    String describe();

    /** The class the clean model finds least likely: the hardest target. */
    record LeastLikely() implements Target {
        @Override
        public int[] choose(Classifier model, Batch batch) {
            int[] t;
            try (var logits = model.logits(batch.images()); var neg = logits.neg()) {
                t = Classifier.argMax(neg);
            }
            for (int i = 0; i < t.length; i++) {
                t[i] = t[i] == batch.labels()[i] ? NONE : t[i];
            }
            return t;
        }

        @Override
        public String describe() {
            return "least-likely";
        }
    }

    /** A uniformly random wrong class, drawn per sample from (seed, sample id). */
    record RandomClass(long seed) implements Target {
        @Override
        public int[] choose(Classifier model, Batch batch) {
            int others = model.shape().classes() - 1;
            int[] t = new int[batch.size()];
            for (int i = 0; i < t.length; i++) {
                int r = new SplittableRandom(SampleSeeds.of(seed, batch.sampleIds()[i], 0x7a26)).nextInt(others);
                t[i] = r >= batch.labels()[i] ? r + 1 : r;
            }
            return t;
        }

        @Override
        public String describe() {
            return "random";
        }
    }

    record FixedClass(int target) implements Target {
        public FixedClass {
            if (target < 0) {
                throw new IllegalArgumentException("target class must be 0 or more, got " + target);
            }
        }

        @Override
        public int[] choose(Classifier model, Batch batch) {
            if (target >= model.shape().classes()) {
                throw new IllegalArgumentException("target class " + target + " is not one of the model's "
                        + model.shape().classes() + " classes");
            }
            int[] t = new int[batch.size()];
            for (int i = 0; i < t.length; i++) {
                t[i] = batch.labels()[i] == target ? NONE : target;
            }
            return t;
        }

        @Override
        public String describe() {
            return Integer.toString(target);
        }
    }
}
