package advbench.bounds;

import ai.djl.ndarray.NDArray;

/**
 * A linear lower bound of K quantities per sample (a specification's rows, e.g. the margins
 * z_y - z_j) as a function of some layer's values v: each quantity is at least {@code
 * coefficients . v + bias}, with coefficients (N, K, v's shape) and bias (N, K). CROWN's backward
 * pass moves it from the last layer towards the input, one layer at a time.
 */
record LinearBound(NDArray coefficients, NDArray bias) {

    /** Its smallest value over the interval {@code box} of v: A . center - |A| . radius + bias. */
    NDArray concretize(Interval box) {
        long n = coefficients.getShape().get(0);
        long k = coefficients.getShape().get(1);
        NDArray a = coefficients.reshape(n, k, -1);
        NDArray center = box.center().reshape(n, -1, 1);
        NDArray radius = box.radius().reshape(n, -1, 1);
        return a.matMul(center).squeeze(2).sub(a.abs().matMul(radius).squeeze(2)).add(bias);
    }
}
