package io.digitloc.model;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

import java.nio.FloatBuffer;

/**
 * {@link FastConvolutionLayer#parameterGradients} for 3x3 kernels with the JDK's Vector API, the
 * nine taps' sums kept in registers: per example and output channel one pass over the loss gradient,
 * each vector of it multiplied with nine shifted loads of the input. The plain-Java pass cannot do
 * this (the JIT vectorises only same-index loops, so its sums live in memory): this one is ~4x faster
 * on conv1 (docs/BENCHMARKS.md, "conv1's weight gradient with the Vector API").
 * <p>
 * Loaded only when the JVM has {@code --add-modules=jdk.incubator.vector} ({@link #AVAILABLE});
 * otherwise the plain-Java pass runs. Both are checked against the definition (FastLayersTest).
 */
final class VectorGradients {
    /** Whether this JVM resolved the incubating Vector API module (a launcher flag). */
    static final boolean AVAILABLE = ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent();

    private VectorGradients() {
    }

    /** Whether {@link #parameterGradients3x3} computes this shape here. */
    static boolean applies(int kh, int kw) {
        return AVAILABLE && kh == 3 && kw == 3;
    }

    /**
     * As {@link FastConvolutionLayer#parameterGradients} (same arguments and results) for kh = kw = 3.
     * The loss gradient's rows are laid out at the input's width with zeros past the output's width, so
     * that position t of that padded plane meets input element t + i*w + j for tap (i, j): every load
     * is a whole vector, no masks.
     */
    static void parameterGradients3x3(FloatBuffer x, FloatBuffer d, int batch, int channels, int h, int w, int out,
                                      int first, int end, float[] weightGrad, float[] biasGrad) {
        Kernel.run(x, d, batch, channels, h, w, out, first, end, weightGrad, biasGrad);
    }

    /** The Vector API code proper, in a class of its own so nothing loads it without the module. */
    private static final class Kernel {
        private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;

        static void run(FloatBuffer x, FloatBuffer d, int batch, int channels, int h, int w, int out,
                        int first, int end, float[] weightGrad, float[] biasGrad) {
            int oh = h - 2;
            int ow = w - 2;
            int lanes = S.length();
            int positions = (oh * w + lanes - 1) / lanes * lanes; // the padded plane, whole vectors
            float[] planes = new float[channels * h * w + positions + 2 * w + 2 + lanes]; // zeros past the end
            float[] dPlane = new float[positions]; // columns ow..w-1 and the tail stay 0
            double[] weightSums = new double[(end - first) * channels * 9];
            double[] biasSums = new double[end - first];
            for (int b = 0; b < batch; b++) {
                x.get(b * channels * h * w, planes, 0, channels * h * w);
                for (int o = first; o < end; o++) {
                    int dBase = (b * out + o) * oh * ow;
                    for (int y = 0; y < oh; y++) {
                        d.get(dBase + y * ow, dPlane, y * w, ow);
                    }
                    for (int c = 0; c < channels; c++) {
                        tapSums(planes, c * h * w, dPlane, positions, w, weightSums, ((o - first) * channels + c) * 9,
                                c == 0 ? biasSums : null, o - first);
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
         * Adds sum over t of dPlane[t] * planes[base + t + i*w + j] to sums[at + i*3 + j] for the nine
         * taps, and (when bias is given) sum of dPlane[t] to bias[biasAt].
         */
        private static void tapSums(float[] planes, int base, float[] dPlane, int positions, int w, double[] sums,
                                    int at, double[] bias, int biasAt) {
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
            if (bias != null) {
                bias[biasAt] += bs.reduceLanes(VectorOperators.ADD);
            }
        }
    }
}
