package io.digitloc.model;

import org.deeplearning4j.nn.conf.CNN2DFormat;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.gradient.DefaultGradient;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.layers.convolution.ConvolutionLayer;
import org.deeplearning4j.nn.params.ConvolutionParamInitializer;
import org.deeplearning4j.nn.workspace.ArrayType;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.activations.impl.ActivationIdentity;
import org.nd4j.linalg.activations.impl.ActivationReLU;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.nio.FloatBuffer;

/**
 * DL4J's convolution layer whose backward pass reuses the forward pass's output. DL4J's
 * {@code backpropGradient} recomputes the pre-activation z (a whole forward convolution) only to
 * take the activation's derivative. With the identity activation (the network applies ReLU in the
 * next layer, {@link AveragePooling2x2} with {@code relu}) the output is z itself; with ReLU the
 * derivative is 1 where z &gt; 0, which is exactly where relu(z) &gt; 0. Either way the output kept
 * from the training forward pass gives the same gradient. Used only with the oneDNN/cuDNN helper
 * (the im2col fallback needs the recomputed im2col buffer); otherwise, and at inference, this is
 * DL4J's layer unchanged.
 * The kept activation lives in the iteration's activation workspace, which the next layer also
 * reads in its own backward pass, so it is intact until this layer's backward pass.
 * <p>
 * With {@link FastConvolution#isSkipInputGradient()} (the first layer) the backward pass computes
 * the weight and bias gradients only, in one plain-Java pass ({@link #parameterGradients}): oneDNN's
 * {@code conv2d_bp} always computes the input's gradient too and, with one input channel, ran at
 * ~4 GFLOP/s (26 ms of a 118 ms step, docs/BENCHMARKS.md). The network's input then gets zeros.
 */
public class FastConvolutionLayer extends ConvolutionLayer {
    private transient INDArray forwardActivation;
    private transient long reused;
    private transient long weightsOnly;

    public FastConvolutionLayer(NeuralNetConfiguration conf, DataType dataType) {
        super(conf, dataType);
    }

    @Override
    public INDArray activate(boolean training, LayerWorkspaceMgr workspaceMgr) {
        INDArray activation = super.activate(training, workspaceMgr);
        forwardActivation = training && reusable() ? activation : null;
        return activation;
    }

    @Override
    protected Pair<INDArray, INDArray> preOutput4d(boolean training, boolean forBackprop, LayerWorkspaceMgr workspaceMgr) {
        INDArray kept = forwardActivation;
        forwardActivation = null;
        if (forBackprop && kept != null && reusable()) {
            reused++;
            return new Pair<>(kept, null);
        }
        return super.preOutput4d(training, forBackprop, workspaceMgr);
    }

    @Override
    public Pair<Gradient, INDArray> backpropGradient(INDArray epsilon, LayerWorkspaceMgr workspaceMgr) {
        if (!parameterGradientsOnly()) {
            return super.backpropGradient(epsilon, workspaceMgr);
        }
        assertInputSet(true);
        forwardActivation = null;
        weightsOnly++;
        INDArray w = getParam(ConvolutionParamInitializer.WEIGHT_KEY); // [out, in, kH, kW]
        INDArray in = AveragePooling2x2Layer.contiguousFloat(input);
        INDArray delta = AveragePooling2x2Layer.contiguousFloat(epsilon); // identity activation: delta = epsilon
        int out = (int) w.size(0);
        int[] k = layerConf().getKernelSize();
        float[] weightGrad = new float[Math.toIntExact(w.length())];
        float[] biasGrad = new float[out];
        FloatBuffer x = AveragePooling2x2Layer.buffer(in);
        FloatBuffer d = AveragePooling2x2Layer.buffer(delta);
        long[] shape = in.shape();
        PlaneChunks.run(out, (first, end) -> parameterGradients(x, d, (int) shape[0], (int) shape[1], (int) shape[2],
                (int) shape[3], out, k[0], k[1], first, end, weightGrad, biasGrad));
        INDArray weightView = gradientViews.get(ConvolutionParamInitializer.WEIGHT_KEY);
        weightView.assign(Nd4j.create(weightGrad, weightView.shape(), 'c'));
        Gradient gradient = new DefaultGradient();
        if (layerConf().hasBias()) {
            INDArray biasView = gradientViews.get(ConvolutionParamInitializer.BIAS_KEY);
            biasView.assign(Nd4j.create(biasGrad, biasView.shape(), 'c'));
            gradient.setGradientFor(ConvolutionParamInitializer.BIAS_KEY, biasView);
        }
        gradient.setGradientFor(ConvolutionParamInitializer.WEIGHT_KEY, weightView, 'c');
        INDArray inputGradient = workspaceMgr.create(ArrayType.ACTIVATION_GRAD, input.dataType(), input.shape(), 'c');
        return new Pair<>(gradient, inputGradient);
    }

    /**
     * The configuration asks for parameter gradients only and this layer is one the shortcut computes
     * exactly: NCHW, no Same padding, the identity activation (delta = epsilon), no weight noise.
     */
    private boolean parameterGradientsOnly() {
        var conf = layerConf();
        return conf instanceof FastConvolution fast && fast.isSkipInputGradient() && AveragePooling2x2Layer.hostMemory
                && conf.getCnn2dDataFormat() == CNN2DFormat.NCHW && conf.getConvolutionMode() != ConvolutionMode.Same
                && java.util.Arrays.equals(conf.getStride(), new int[] {1, 1})
                && java.util.Arrays.equals(conf.getPadding(), new int[] {0, 0})
                && java.util.Arrays.equals(conf.getDilation(), new int[] {1, 1})
                && conf.getActivationFn() instanceof ActivationIdentity && conf.getWeightNoise() == null
                && input != null && input.rank() == 4;
    }

    /**
     * The gradients of a stride-1, unpadded, undilated convolution's weights ([out, in, kH, kW]) and
     * biases for output channels {@code first} to {@code end}, from its input x ([batch, in, h, w])
     * and the loss gradient d at its output ([batch, out, h-kH+1, w-kW+1]), all row-major:
     * dW[o,c,i,j] = sum over examples and positions of d[b,o,y,x] * x[b,c,y+i,x+j].
     * With d's rows padded to the input's width (zeros), tap (i, j) pairs d's padded plane element by
     * element with a copy of the input plane shifted by i*w + j: one long loop the JIT vectorises, accumulated
     * over the batch per tap and summed once. 49 M multiply-adds per batch of 64 canvases. (BLAS is the
     * wrong tool: the product's long dimension, 341,056, is the one summed over, for 16 x 9 results,
     * and OpenBLAS ran it at ~2 GFLOP/s; short row-by-row loops vectorised poorly, ~4 GFLOP/s.)
     */
    static void parameterGradients(FloatBuffer x, FloatBuffer d, int batch, int channels, int h, int w, int out,
                                   int kh, int kw, int first, int end, float[] weightGrad, float[] biasGrad) {
        int oh = h - kh + 1;
        int ow = w - kw + 1;
        int n = oh * w;
        int taps = channels * kh * kw;
        float[] plane = new float[h * w + kw]; // the tail stays 0: the last padded row reads past the plane
        float[] padded = new float[n]; // columns ow..w-1 stay 0
        float[] shifted = new float[n];
        float[][] acc = new float[taps][n];
        for (int o = first; o < end; o++) {
            for (float[] a : acc) {
                java.util.Arrays.fill(a, 0f);
            }
            double bias = 0;
            for (int b = 0; b < batch; b++) {
                for (int y = 0; y < oh; y++) {
                    d.get(((b * out + o) * oh + y) * ow, padded, y * w, ow);
                }
                for (int c = 0; c < channels; c++) {
                    x.get((b * channels + c) * h * w, plane, 0, h * w);
                    for (int i = 0; i < kh; i++) {
                        for (int j = 0; j < kw; j++) {
                            System.arraycopy(plane, i * w + j, shifted, 0, n);
                            multiplyAdd(acc[(c * kh + i) * kw + j], padded, shifted, n);
                        }
                    }
                }
                System.arraycopy(padded, 0, shifted, 0, n); // the sum overwrites what it sums
                bias += sum(shifted, n);
            }
            for (int t = 0; t < taps; t++) {
                weightGrad[o * taps + t] = (float) sum(acc[t], n);
            }
            biasGrad[o] = (float) bias;
        }
    }

    /**
     * acc[t] += a[t] * b[t] for t below n. The same index everywhere lets the JIT vectorise it; with
     * b[t + shift] it cannot rule out that acc and b overlap and runs it scalar, 4x slower.
     */
    private static void multiplyAdd(float[] acc, float[] a, float[] b, int n) {
        for (int t = 0; t < n; t++) {
            acc[t] += a[t] * b[t];
        }
    }

    /**
     * The sum of the first n values. Halving folds first (independent adds; a plain running sum waits
     * for the previous add at every element), then a double sum of the last 64 or fewer.
     * Scratch: overwrites the values.
     */
    static double sum(float[] values, int n) {
        int m = n;
        while (m > 64) {
            int half = m / 2;
            for (int i = 0; i < half; i++) {
                values[i] += values[m - half + i];
            }
            m -= half;
        }
        double s = 0;
        for (int i = 0; i < m; i++) {
            s += values[i];
        }
        return s;
    }

    /** Backward passes that computed the parameters' gradients only (for tests and diagnostics). */
    long weightsOnlyBackwardPasses() {
        return weightsOnly;
    }

    @Override
    public void clear() {
        super.clear();
        forwardActivation = null;
    }

    /** Backward passes that reused the forward output (for tests and diagnostics). */
    long reusedForwardPasses() {
        return reused;
    }

    private boolean reusable() {
        var activation = layerConf().getActivationFn();
        if (helper == null || helperCountFail != 0) {
            return false;
        }
        return activation instanceof ActivationIdentity || activation instanceof ActivationReLU relu
                && relu.getMax() == null && isZero(relu.getThreshold()) && isZero(relu.getNegativeSlope());
    }

    private static boolean isZero(Double value) {
        return value == null || value == 0.0;
    }
}
