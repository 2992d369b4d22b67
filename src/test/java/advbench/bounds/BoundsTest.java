package advbench.bounds;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import advbench.TestFixtures;
import advbench.data.LabeledImages;
import advbench.model.Architectures;
import advbench.model.Classifier;
import advbench.model.ImageBatch;
import advbench.model.Layer;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.convolutional.Conv2dTranspose;
import ai.djl.training.ParameterStore;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Certified bounds on small networks, against what they claim: the step-by-step forward is the
 * network's, at eps 0 the bounds are the logits, and every point sampled in the ball (uniform,
 * corners, the ball's extreme points in each pixel) has logits within the bounds and margins above
 * their lower bounds, for IBP and CROWN-IBP, on every kind of layer built here.
 */
class BoundsTest {

    /** A network of every layer kind the bounds know, on 2 x 8 x 8 images, with random (Xavier) weights and batch-norm statistics. */
    static final List<Layer> EVERY_KIND = List.of(new Layer.Conv(4, 3, 1, 1), new Layer.BatchNormalization(), new Layer.Relu(),
            new Layer.MaxPool(2), new Layer.Conv(6, 2, 2, 0), new Layer.Relu(), new Layer.AvgPool(2), new Layer.Flatten(),
            new Layer.Dense(7), new Layer.Relu(), new Layer.Dense(5));

    record Net(SequentialBlock block, BoundedNetwork bounded, ParameterStore store) {
        NDArray logits(NDArray x) {
            return block.forward(store, new ai.djl.ndarray.NDList(x), false).singletonOrThrow();
        }
    }

    static Net everyKind(NDManager m, long seed) {
        ai.djl.engine.Engine.getInstance().setRandomSeed((int) seed);
        SequentialBlock block = Architectures.build(EVERY_KIND, false);
        block.initialize(m, DataType.FLOAT32, new Shape(1, 2, 8, 8));
        // running statistics away from (0, 1), so that batch normalisation is a real affine map
        block.getChildren().get(1).getValue().getDirectParameters().forEach(p -> {
            NDArray a = p.getValue().getArray();
            switch (p.getKey()) {
                case "runningMean" -> a.set(m.randomUniform(-0.5f, 0.5f, a.getShape()).toFloatArray());
                case "runningVar" -> a.set(m.randomUniform(0.3f, 2f, a.getShape()).toFloatArray());
                case "gamma" -> a.set(m.randomUniform(-1.5f, 1.5f, a.getShape()).toFloatArray());
                default -> a.set(m.randomUniform(-0.3f, 0.3f, a.getShape()).toFloatArray());
            }
        });
        BoundedNetwork bounded = BoundedNetwork.of(block.getChildren().values(), EVERY_KIND,
                new advbench.model.Preprocessing(List.of(0.4, 0.5), List.of(0.3, 0.25)), m);
        return new Net(block, bounded, new ParameterStore(m, false));
    }

    @Test
    void theStepsComputeTheNetworksLogitsAndTheBoundsAtEpsZeroAreThem() {
        TestFixtures.Synthetic s = TestFixtures.synthetic();
        Classifier model = s.model();
        try (NDManager m = model.manager().newSubManager()) {
            NDArray x = ImageBatch.of(m, s.test().first(16));
            BoundedNetwork net = BoundedNetwork.of(model);
            assertClose(model.logits(x).toFloatArray(), net.forward(x).toFloatArray(), 1e-4, "small-cnn");
            for (BoundMethod method : BoundMethod.values()) {
                Interval at0 = net.logitBounds(x, 0, method);
                assertClose(model.logits(x).toFloatArray(), at0.lower().toFloatArray(), 1e-3, method + " lower at eps 0");
                assertClose(model.logits(x).toFloatArray(), at0.upper().toFloatArray(), 1e-3, method + " upper at eps 0");
            }
            Net every = everyKind(m, 3);
            NDArray y = m.randomUniform(0f, 1f, new Shape(9, 2, 8, 8));
            // the blocks' forward through the preprocessing the bounded network has in front
            NDArray normalised = y.sub(m.create(new float[] {0.4f, 0.5f}, new Shape(1, 2, 1, 1)))
                    .div(m.create(new float[] {0.3f, 0.25f}, new Shape(1, 2, 1, 1)));
            assertClose(every.logits(normalised).toFloatArray(), every.bounded().forward(y).toFloatArray(), 1e-4, "every kind");
        }
    }

    @Test
    void everySampledPointOfTheBallLiesWithinTheBoundsOfEveryKindOfLayer() {
        try (NDManager m = ai.djl.ndarray.NDManager.newBaseManager()) {
            Random random = new Random(5);
            for (long seed = 1; seed <= 3; seed++) {
                Net net = everyKind(m, seed);
                NDArray x = m.randomUniform(0f, 1f, new Shape(6, 2, 8, 8));
                int[] labels = new int[] {0, 1, 2, 3, 4, 0};
                for (double eps : new double[] {0.01, 0.05, 0.2}) {
                    checkSampled(m, net.bounded(), x, labels, eps, random, 200);
                }
            }
        }
    }

    @Test
    void crownIbpIsAtLeastAsTightAsIbpAndBothCertifyOnTheFixtureAtSmallEpsilon() {
        TestFixtures.Synthetic s = TestFixtures.synthetic();
        Classifier model = s.model();
        LabeledImages test = s.test().first(40);
        try (NDManager m = model.manager().newSubManager()) {
            NDArray x = ImageBatch.of(m, test);
            BoundedNetwork net = BoundedNetwork.of(model);
            float[] ibp = net.marginLowerBounds(x, 0.001, test.labels(), BoundMethod.IBP).toFloatArray();
            float[] crown = net.marginLowerBounds(x, 0.001, test.labels(), BoundMethod.CROWN_IBP).toFloatArray();
            for (int k = 0; k < ibp.length; k++) {
                assertTrue(crown[k] >= ibp[k], "margin " + k);
            }
            // a normally trained network: IBP's intervals widen about tenfold a layer, so it certifies only tiny balls
            boolean[] certified = BoundedNetwork.certified(net.marginLowerBounds(x, 1e-4, test.labels(), BoundMethod.IBP), test.labels());
            int[] predicted = model.predict(x);
            int count = 0;
            for (int i = 0; i < certified.length; i++) {
                assertTrue(!certified[i] || predicted[i] == test.labels()[i], "a certified sample is classified correctly: " + i);
                count += certified[i] ? 1 : 0;
            }
            assertTrue(count > 0, "at eps 1e-4 the trained fixture has certified samples");
            boolean[] tighter = BoundedNetwork.certified(net.marginLowerBounds(x, 0.001, test.labels(), BoundMethod.CROWN_IBP), test.labels());
            boolean[] looser = BoundedNetwork.certified(net.marginLowerBounds(x, 0.001, test.labels(), BoundMethod.IBP), test.labels());
            int more = 0;
            for (int i = 0; i < tighter.length; i++) {
                assertTrue(tighter[i] || !looser[i], "IBP certified sample " + i + " that CROWN-IBP did not");
                more += tighter[i] && !looser[i] ? 1 : 0;
            }
            assertTrue(more > 0, "at eps 0.001 CROWN-IBP certifies samples IBP cannot");
            checkSampled(m, net, x, test.labels(), 0.03, new Random(9), 100);
        }
    }

    /**
     * DJL's PyTorch engine has no transposed convolution (a surprise: the API offers it), so the
     * backward pass builds the convolution's adjoint from a convolution of the dilated coefficients:
     * {@code <A, conv x> = <conv^T A, x>} for every kernel, stride, padding and input size used here.
     * Average-pooling's adjoint likewise.
     */
    @Test
    void theAdjointsAreAdjointsAndDjlHasNoTransposedConvolution() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray probe = m.randomNormal(new Shape(1, 2, 4, 4));
            org.junit.jupiter.api.Assertions.assertThrows(UnsupportedOperationException.class,
                    () -> Conv2dTranspose.conv2dTranspose(probe, m.randomNormal(new Shape(2, 3, 3, 3))));
            for (int[] c : new int[][] {{3, 1, 1, 9}, {4, 2, 1, 9}, {4, 2, 0, 9}, {2, 2, 0, 9}, {3, 2, 1, 9}, {4, 2, 0, 28}, {3, 2, 1, 28},
                {4, 1, 0, 13}, {5, 1, 2, 12}}) {
                int k = c[0];
                int stride = c[1];
                int pad = c[2];
                int size = c[3];
                NDArray x = m.randomNormal(new Shape(2, 3, size, size));
                NDArray w = m.randomNormal(new Shape(5, 3, k, k));
                NDArray y = Conv2d.conv2d(x, w, m.zeros(new Shape(5)), new Shape(stride, stride), new Shape(pad, pad)).singletonOrThrow();
                NDArray a = m.randomNormal(y.getShape());
                NDArray back = Adjoints.conv(a, w, stride, pad, size, size);
                String what = "kernel " + k + ", stride " + stride + ", padding " + pad + ", size " + size;
                assertEquals(x.getShape(), back.getShape(), what);
                double left = a.mul(y).sum().getFloat();
                double right = back.mul(x).sum().getFloat();
                assertEquals(left, right, 1e-4 * (1 + Math.abs(left)), what + ": <A, conv x> = <conv^T A, x>");
            }
            for (int size : new int[] {8, 9}) {
                NDArray x = m.randomNormal(new Shape(2, 3, size, size));
                NDArray y = ai.djl.nn.pooling.Pool.avgPool2d(x, new Shape(2, 2), new Shape(2, 2), new Shape(0, 0), false, true);
                NDArray a = m.randomNormal(y.getShape());
                NDArray back = Adjoints.avgPool(a, 2, size, size);
                assertEquals(x.getShape(), back.getShape());
                assertEquals(a.mul(y).sum().getFloat(), back.mul(x).sum().getFloat(), 1e-4, "average-pooling, size " + size);
            }
        }
    }

    /**
     * Points of the ball around {@code x} (clipped to [0, 1]): uniform, random corners, and the
     * clean point; their logits within both methods' logit bounds, their margins above both
     * methods' margin bounds.
     */
    static void checkSampled(NDManager m, BoundedNetwork net, NDArray x, int[] labels, double eps, Random random, int points) {
        int n = (int) x.getShape().get(0);
        int classes = net.classes();
        Interval ball = Interval.ball(x, eps);
        float[] lo = ball.lower().toFloatArray();
        float[] hi = ball.upper().toFloatArray();
        for (BoundMethod method : BoundMethod.values()) {
            Interval z = net.logitBounds(x, eps, method);
            float[] zl = z.lower().toFloatArray();
            float[] zu = z.upper().toFloatArray();
            float[] margins = net.marginLowerBounds(x, eps, labels, method).toFloatArray();
            for (int p = 0; p < points; p++) {
                float[] point = new float[lo.length];
                boolean corner = p % 2 == 1;
                for (int k = 0; k < point.length; k++) {
                    double t = corner ? (random.nextBoolean() ? 1 : 0) : random.nextDouble();
                    point[k] = (float) (lo[k] + t * (hi[k] - lo[k]));
                }
                float[] logits = net.forward(m.create(point, x.getShape())).toFloatArray();
                for (int i = 0; i < n; i++) {
                    for (int j = 0; j < classes; j++) {
                        int at = i * classes + j;
                        double slack = 1e-4 * (1 + Math.abs(logits[at]));
                        assertTrue(logits[at] >= zl[at] - slack && logits[at] <= zu[at] + slack,
                                method + " eps " + eps + " sample " + i + " logit " + j + ": " + logits[at] + " outside [" + zl[at] + ", "
                                        + zu[at] + "]");
                        double margin = logits[i * classes + labels[i]] - logits[at];
                        assertTrue(margin >= margins[at] - 2 * slack, method + " eps " + eps + " sample " + i + " margin " + j + ": " + margin
                                + " below its bound " + margins[at]);
                    }
                }
            }
        }
    }

    static void assertClose(float[] expected, float[] actual, double tolerance, String what) {
        assertEquals(expected.length, actual.length, what);
        for (int k = 0; k < expected.length; k++) {
            assertEquals(expected[k], actual[k], tolerance * (1 + Math.abs(expected[k])), what + " at " + k);
        }
    }
}
