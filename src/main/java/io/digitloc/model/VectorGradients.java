package io.digitloc.model;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

import java.nio.FloatBuffer;

/**
 * {@link FastConvolutionLayer#parameterGradients} for 3x3 kernels with the JDK's Vector API, the
 * nine taps' sums kept in registers: per example and output channel one pass over the loss gradient,
 * each vector of it multiplied with nine shifted loads of the input. The plain-Java pass cannot do
 * this (the JIT vectorises only same-index loops, so its sums live in memory); what it gains is in
 * docs/performance.md. {@link #channelsLast3x3} is the
 * same gradient over channels-last memory, the output channels as the lanes, which the first layer uses
 * when it runs channels-last; this one serves NCHW (a CPU build without the oneDNN helper).
 * <p>
 * Loaded only when the JVM has {@code --add-modules=jdk.incubator.vector} ({@link #AVAILABLE});
 * otherwise the plain-Java pass runs. Both are checked against the definition (FastLayersTest).
 */
final class VectorGradients {
    /** Whether this JVM resolved the incubating Vector API module (a launcher flag). */
    static final boolean AVAILABLE = ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent();

    /** Whether the layers use these passes: {@link #AVAILABLE}; tests switch it off to run the plain-Java path. */
    static boolean enabled = AVAILABLE;

    static {
        if (!AVAILABLE) { // once per JVM, when the fast layers first run
            org.slf4j.LoggerFactory.getLogger(VectorGradients.class).warn("fast layers: this JVM lacks "
                    + "--add-modules=jdk.incubator.vector (conf/spark/common.conf passes it to the driver and executors): "
                    + "the network runs NCHW with plain-Java passes, same results, slower");
        }
    }

    private VectorGradients() {
    }

    /** Whether {@link #parameterGradients3x3} computes this shape here. */
    static boolean applies(int kh, int kw) {
        return enabled && kh == 3 && kw == 3;
    }

    /**
     * As {@link FastConvolutionLayer#parameterGradients} (same arguments and results) for kh = kw = 3.
     * The loss gradient's rows are laid out at the input's width with zeros past the output's width, so
     * that position t of that padded plane meets input element t + i*w + j for tap (i, j): every load
     * is a whole vector, no masks.
     */
    static void parameterGradients3x3(FloatBuffer x, FloatBuffer d, ConvShape shape, int first, int end,
                                      float[] weightGrad, float[] biasGrad) {
        Kernel.run(x, d, shape, first, end, weightGrad, biasGrad);
    }

    /** Whether {@link #channelsLast3x3} computes this shape here: 3x3, output channels whole vectors. */
    static boolean appliesChannelsLast(int kh, int kw, int out) {
        return enabled && kh == 3 && kw == 3 && out % ChannelsLast.lanes() == 0;
    }

    /**
     * The weight ([out, 1, 3, 3]) and bias gradients of a one-channel, stride-1, unpadded 3x3 convolution
     * whose loss gradient d is channels-last ([batch, h-2, w-2, out], as {@link FastConvolutionLayer} makes
     * it for the first layer), for examples {@code first} to {@code end} of input x ([batch, h, w]); adds
     * them to {@code weightSums} ([3, 3, out]: tap-major) and {@code biasSums}. The output channels are the
     * vector lanes: per position one load of d, nine broadcast input pixels, nine multiply-adds. Of
     * {@code shape}, only the height, width and output channels are read.
     */
    static void channelsLast3x3(FloatBuffer x, FloatBuffer d, ConvShape shape, int first, int end,
                                double[] weightSums, double[] biasSums) {
        ChannelsLast.run(x, d, shape, first, end, new Sums(weightSums, biasSums));
    }

    /** Where a pass adds its weight and bias sums. */
    private record Sums(double[] weights, double[] biases) {
    }

    /** Channels-last Vector API code, loaded only with the module. */
    private static final class ChannelsLast {
        private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;

        static int lanes() {
            return S.length();
        }

        static void run(FloatBuffer x, FloatBuffer d, ConvShape shape, int first, int end, Sums sums) {
            int h = shape.height();
            int w = shape.width();
            int out = shape.out();
            int oh = h - 2;
            int ow = w - 2;
            float[] plane = new float[h * w + 2]; // the last positions' taps read 2 past the plane (times 0)
            float[] grads = new float[oh * w * out]; // d's rows at the input's width: columns ow..w-1 stay 0
            float[] lane = new float[S.length()];
            for (int b = first; b < end; b++) {
                x.get(b * h * w, plane, 0, h * w);
                for (int y = 0; y < oh; y++) {
                    d.get((b * oh + y) * ow * out, grads, y * w * out, ow * out);
                }
                for (int v = 0; v < out; v += S.length()) {
                    example(plane, grads, v, w, out, lane, sums);
                }
            }
        }

        /**
         * One example's sums for output channels v to v + lanes over its padded positions t (row t / w,
         * column t % w; the padding's gradient is 0), where tap (i, j) meets plane[t + i*w + j]. One flat
         * loop in a method of its own: with nested loops (rows, columns) the JDK 17 JIT kept the
         * accumulators in memory, many times slower.
         */
        private static void example(float[] plane, float[] grads, int v, int w, int out, float[] lane, Sums sums) {
            int positions = grads.length / out;
            double[] weightSums = sums.weights();
            FloatVector a00 = FloatVector.zero(S), a01 = a00, a02 = a00, a10 = a00, a11 = a00, a12 = a00;
            FloatVector a20 = a00, a21 = a00, a22 = a00, bs = a00;
            for (int t = 0, g = v; t < positions; t++, g += out) {
                FloatVector dv = FloatVector.fromArray(S, grads, g);
                bs = bs.add(dv);
                a00 = dv.fma(FloatVector.broadcast(S, plane[t]), a00);
                a01 = dv.fma(FloatVector.broadcast(S, plane[t + 1]), a01);
                a02 = dv.fma(FloatVector.broadcast(S, plane[t + 2]), a02);
                a10 = dv.fma(FloatVector.broadcast(S, plane[t + w]), a10);
                a11 = dv.fma(FloatVector.broadcast(S, plane[t + w + 1]), a11);
                a12 = dv.fma(FloatVector.broadcast(S, plane[t + w + 2]), a12);
                a20 = dv.fma(FloatVector.broadcast(S, plane[t + 2 * w]), a20);
                a21 = dv.fma(FloatVector.broadcast(S, plane[t + 2 * w + 1]), a21);
                a22 = dv.fma(FloatVector.broadcast(S, plane[t + 2 * w + 2]), a22);
            }
            add(a00, lane, weightSums, v);
            add(a01, lane, weightSums, out + v);
            add(a02, lane, weightSums, 2 * out + v);
            add(a10, lane, weightSums, 3 * out + v);
            add(a11, lane, weightSums, 4 * out + v);
            add(a12, lane, weightSums, 5 * out + v);
            add(a20, lane, weightSums, 6 * out + v);
            add(a21, lane, weightSums, 7 * out + v);
            add(a22, lane, weightSums, 8 * out + v);
            add(bs, lane, sums.biases(), v);
        }

        /** sums[at + l] += a's lane l. */
        private static void add(FloatVector a, float[] lane, double[] sums, int at) {
            a.intoArray(lane, 0);
            for (int l = 0; l < lane.length; l++) {
                sums[at + l] += lane[l];
            }
        }
    }

    /** The Vector API code proper, in a class of its own so nothing loads it without the module. */
    private static final class Kernel {
        private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;

        static void run(FloatBuffer x, FloatBuffer d, ConvShape shape, int first, int end, float[] weightGrad,
                        float[] biasGrad) {
            int batch = shape.batch();
            int channels = shape.channels();
            int h = shape.height();
            int w = shape.width();
            int out = shape.out();
            int oh = h - 2;
            int ow = w - 2;
            int lanes = S.length();
            int positions = (oh * w + lanes - 1) / lanes * lanes; // the padded plane, whole vectors
            float[] planes = new float[channels * h * w + positions + 2 * w + 2 + lanes]; // zeros past the end
            float[] dPlane = new float[positions]; // columns ow..w-1 and the tail stay 0
            double[] weightSums = new double[(end - first) * channels * 9];
            double[] biasSums = new double[end - first];
            Sums sums = new Sums(weightSums, biasSums);
            for (int b = 0; b < batch; b++) {
                x.get(b * channels * h * w, planes, 0, channels * h * w);
                for (int o = first; o < end; o++) {
                    int dBase = (b * out + o) * oh * ow;
                    for (int y = 0; y < oh; y++) {
                        d.get(dBase + y * ow, dPlane, y * w, ow);
                    }
                    for (int c = 0; c < channels; c++) {
                        tapSums(planes, c * h * w, dPlane, w, sums, ((o - first) * channels + c) * 9,
                                c == 0 ? o - first : -1);
                    }
                }
            }
            for (int k = 0; k < weightSums.length; k++) {
                weightGrad[first * channels * 9 + k] = (float) weightSums[k];
            }
            for (int k = 0; k < biasSums.length; k++) {
                biasGrad[first + k] = (float) biasSums[k];
            }
        }

        /**
         * Adds sum over t of dPlane[t] * planes[base + t + i*w + j] to the weight sums at at + i*3 + j for
         * the nine taps, and (when biasAt is not negative) sum of dPlane[t] to the bias sum at biasAt.
         */
        private static void tapSums(float[] planes, int base, float[] dPlane, int w, Sums target, int at, int biasAt) {
            int positions = dPlane.length;
            double[] sums = target.weights();
            FloatVector a00 = FloatVector.zero(S), a01 = a00, a02 = a00, a10 = a00, a11 = a00, a12 = a00;
            FloatVector a20 = a00, a21 = a00, a22 = a00, bs = a00;
            int r1 = base + w;
            int r2 = base + 2 * w;
            for (int t = 0; t < positions; t += S.length()) {
                FloatVector g = FloatVector.fromArray(S, dPlane, t);
                bs = bs.add(g);
                a00 = g.fma(FloatVector.fromArray(S, planes, base + t), a00);
                a01 = g.fma(FloatVector.fromArray(S, planes, base + t + 1), a01);
                a02 = g.fma(FloatVector.fromArray(S, planes, base + t + 2), a02);
                a10 = g.fma(FloatVector.fromArray(S, planes, r1 + t), a10);
                a11 = g.fma(FloatVector.fromArray(S, planes, r1 + t + 1), a11);
                a12 = g.fma(FloatVector.fromArray(S, planes, r1 + t + 2), a12);
                a20 = g.fma(FloatVector.fromArray(S, planes, r2 + t), a20);
                a21 = g.fma(FloatVector.fromArray(S, planes, r2 + t + 1), a21);
                a22 = g.fma(FloatVector.fromArray(S, planes, r2 + t + 2), a22);
            }
            sums[at] += a00.reduceLanes(VectorOperators.ADD);
            sums[at + 1] += a01.reduceLanes(VectorOperators.ADD);
            sums[at + 2] += a02.reduceLanes(VectorOperators.ADD);
            sums[at + 3] += a10.reduceLanes(VectorOperators.ADD);
            sums[at + 4] += a11.reduceLanes(VectorOperators.ADD);
            sums[at + 5] += a12.reduceLanes(VectorOperators.ADD);
            sums[at + 6] += a20.reduceLanes(VectorOperators.ADD);
            sums[at + 7] += a21.reduceLanes(VectorOperators.ADD);
            sums[at + 8] += a22.reduceLanes(VectorOperators.ADD);
            if (biasAt >= 0) {
                target.biases()[biasAt] += bs.reduceLanes(VectorOperators.ADD);
            }
        }
    }
}
