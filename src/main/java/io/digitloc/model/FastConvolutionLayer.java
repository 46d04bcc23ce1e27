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
import org.nd4j.linalg.api.ops.DynamicCustomOp;
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
 * the weight and bias gradients only, in one Java pass ({@link VectorGradients} for 3x3 kernels when the
 * JVM has the Vector API module, else {@link #parameterGradients}): oneDNN's
 * {@code conv2d_bp} always computes the input's gradient too and, with one input channel, ran slowly
 * enough to be a fifth of a step (docs/performance.md). The network's input then gets
 * zeros.
 * <p>
 * On the CPU with the oneDNN helper and the Vector API, all of the network's convolutions run on
 * channels-last memory ({@link #channelsLast()}); otherwise NCHW, as above.
 */
public class FastConvolutionLayer extends ConvolutionLayer {
    private transient INDArray forwardActivation;
    private transient long reused;
    private transient long weightsOnly;
    private transient long channelsLastPasses;
    private transient long channelsLastBackwardPasses;

    public FastConvolutionLayer(NeuralNetConfiguration conf, DataType dataType) {
        super(conf, dataType);
    }

    @Override
    public INDArray activate(boolean training, LayerWorkspaceMgr workspaceMgr) {
        if (channelsLast()) {
            forwardActivation = null;
            return channelsLastForward(workspaceMgr);
        }
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

    /**
     * The forward pass with oneDNN on channels-last memory. oneDNN's convolution chooses channels-last
     * for these shapes, and handed NCHW it reordered the whole output twice per call, once before (the
     * output buffer's old contents) and once after, most of the layer's time (docs/performance.md).
     * The first layer's one-channel canvas
     * already is channels-last; the layers above get it from {@link AveragePooling2x2Layer}, which keeps
     * its input's layout. The result is that memory seen as [batch, channels, h, w] (a permuted view).
     */
    private INDArray channelsLastForward(LayerWorkspaceMgr workspaceMgr) {
        INDArray x = channelsLastInput();
        INDArray w = getParam(ConvolutionParamInitializer.WEIGHT_KEY); // [out, in, kH, kW]
        long[] s = x.shape();
        int[] k = layerConf().getKernelSize();
        INDArray z = workspaceMgr.createUninitialized(ArrayType.ACTIVATIONS, DataType.FLOAT,
                new long[] {s[0], s[1] - k[0] + 1, s[2] - k[1] + 1, w.size(0)}, 'c');
        if (direct()) {
            dnnl(x, w).forward(x, w, getParam(ConvolutionParamInitializer.BIAS_KEY).reshape(w.size(0)), z);
        } else {
            INDArray[] inputs = layerConf().hasBias()
                    ? new INDArray[] {x, w, getParam(ConvolutionParamInitializer.BIAS_KEY).reshape(w.size(0))}
                    : new INDArray[] {x, w};
            Nd4j.exec(DynamicCustomOp.builder("conv2d").addInputs(inputs).addOutputs(z)
                    .addIntegerArguments(channelsLastArguments()).build());
        }
        channelsLastPasses++;
        return z.permute(0, 3, 1, 2);
    }

    /**
     * The backward pass after {@link #channelsLastForward} of a layer above conv1: oneDNN's conv2d_bp on
     * channels-last memory, the weight and bias gradients written into their views, the input's gradient
     * handed down channels-last (as [batch, channels, h, w] seen through a permutation).
     */
    private Pair<Gradient, INDArray> channelsLastBackward(INDArray epsilon, LayerWorkspaceMgr workspaceMgr) {
        INDArray x = channelsLastInput();
        INDArray d = HostArrays.channelsLastMemory(epsilon);
        INDArray w = getParam(ConvolutionParamInitializer.WEIGHT_KEY);
        INDArray gradIn = workspaceMgr.createUninitialized(ArrayType.ACTIVATION_GRAD, DataType.FLOAT, x.shape(), 'c');
        INDArray weightView = gradientViews.get(ConvolutionParamInitializer.WEIGHT_KEY);
        Gradient gradient = new DefaultGradient();
        if (direct()) {
            INDArray biasView = gradientViews.get(ConvolutionParamInitializer.BIAS_KEY);
            dnnl(x, w).backward(x, w, d, gradIn, weightView, biasView.reshape(w.size(0)));
            gradient.setGradientFor(ConvolutionParamInitializer.BIAS_KEY, biasView);
        } else {
            DynamicCustomOp.DynamicCustomOpsBuilder op = DynamicCustomOp.builder("conv2d_bp");
            if (layerConf().hasBias()) {
                INDArray biasView = gradientViews.get(ConvolutionParamInitializer.BIAS_KEY);
                op.addInputs(x, w, getParam(ConvolutionParamInitializer.BIAS_KEY).reshape(w.size(0)), d)
                        .addOutputs(gradIn, weightView, biasView.reshape(w.size(0)));
                gradient.setGradientFor(ConvolutionParamInitializer.BIAS_KEY, biasView);
            } else {
                op.addInputs(x, w, d).addOutputs(gradIn, weightView);
            }
            Nd4j.exec(op.addIntegerArguments(channelsLastArguments()).build());
        }
        gradient.setGradientFor(ConvolutionParamInitializer.WEIGHT_KEY, weightView, 'c');
        channelsLastBackwardPasses++;
        return new Pair<>(gradient, gradIn.permute(0, 3, 1, 2));
    }

    @Override
    public Pair<Gradient, INDArray> backpropGradient(INDArray epsilon, LayerWorkspaceMgr workspaceMgr) {
        boolean weightsOnlyPass = parameterGradientsOnly();
        boolean last = channelsLast();
        if (!weightsOnlyPass && !last) {
            return super.backpropGradient(epsilon, workspaceMgr);
        }
        assertInputSet(true);
        forwardActivation = null;
        if (!weightsOnlyPass) {
            return channelsLastBackward(epsilon, workspaceMgr);
        }
        weightsOnly++;
        if (last) {
            return channelsLastParameterGradients(epsilon, workspaceMgr);
        }
        INDArray w = getParam(ConvolutionParamInitializer.WEIGHT_KEY); // [out, in, kH, kW]
        INDArray in = HostArrays.contiguousFloat(input);
        INDArray delta = HostArrays.contiguousFloat(epsilon); // identity activation: delta = epsilon
        int out = (int) w.size(0);
        int[] k = layerConf().getKernelSize();
        float[] weightGrad = new float[Math.toIntExact(w.length())];
        float[] biasGrad = new float[out];
        FloatBuffer x = HostArrays.floats(in);
        FloatBuffer d = HostArrays.floats(delta);
        ConvShape shape = ConvShape.of(in.shape(), out, k);
        boolean vector = VectorGradients.applies(k[0], k[1]);
        PlaneChunks.run(out, (first, end) -> {
            if (vector) {
                VectorGradients.parameterGradients3x3(x, d, shape, first, end, weightGrad, biasGrad);
            } else {
                parameterGradients(x, d, shape, first, end, weightGrad, biasGrad);
            }
        });
        return parameterGradient(weightGrad, biasGrad, workspaceMgr);
    }

    /**
     * The weight and bias gradients after {@link #channelsLastForward}: epsilon comes back in the same
     * channels-last memory ({@link AveragePooling2x2Layer} keeps its input's layout).
     */
    private Pair<Gradient, INDArray> channelsLastParameterGradients(INDArray epsilon, LayerWorkspaceMgr workspaceMgr) {
        INDArray in = HostArrays.contiguousFloat(input);
        INDArray d = HostArrays.channelsLastMemory(epsilon); // [batch, oh, ow, out]
        INDArray w = getParam(ConvolutionParamInitializer.WEIGHT_KEY);
        int out = (int) w.size(0);
        long[] s = in.shape();
        FloatBuffer x = HostArrays.floats(in);
        FloatBuffer g = HostArrays.floats(d);
        double[] weightSums = new double[9 * out]; // [kH, kW, out]
        double[] biasSums = new double[out];
        ConvShape shape = ConvShape.of(s, out, new int[] {3, 3});
        PlaneChunks.run((int) s[0], (first, end) -> {
            double[] weights = new double[weightSums.length];
            double[] biases = new double[out];
            VectorGradients.channelsLast3x3(x, g, shape, first, end, weights, biases);
            synchronized (weightSums) {
                for (int i = 0; i < weights.length; i++) {
                    weightSums[i] += weights[i];
                }
                for (int i = 0; i < out; i++) {
                    biasSums[i] += biases[i];
                }
            }
        });
        float[] weightGrad = new float[9 * out]; // [out, 1, 3, 3]
        float[] biasGrad = new float[out];
        for (int o = 0; o < out; o++) {
            for (int t = 0; t < 9; t++) {
                weightGrad[o * 9 + t] = (float) weightSums[t * out + o];
            }
            biasGrad[o] = (float) biasSums[o];
        }
        return parameterGradient(weightGrad, biasGrad, workspaceMgr);
    }

    /** The gradient of both parameters into their views, and zeros for the network's input. */
    private Pair<Gradient, INDArray> parameterGradient(float[] weightGrad, float[] biasGrad, LayerWorkspaceMgr workspaceMgr) {
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
     * Whether this layer runs channels-last ({@link #channelsLastForward}): on the CPU with the oneDNN
     * helper on (the op's fast path). The first layer does when its canvas has one channel and the
     * Vector API can compute its weight gradient over channels-last lanes; a layer above it does when
     * its input arrives channels-last.
     */
    private boolean channelsLast() {
        if (!simpleShape() || helper == null || helperCountFail != 0 || layerConf().getIDropout() != null) {
            return false;
        }
        if (parameterGradientsOnly()) {
            int[] k = layerConf().getKernelSize();
            return input.size(1) == 1 && VectorGradients.appliesChannelsLast(k[0], k[1], (int) layerConf().getNOut());
        }
        return HostArrays.channelsLast(input); // what the pooling layer below hands on after conv1
    }

    /** The input as dense [batch, h, w, channels] memory (no copy for the canvas or a channels-last view). */
    private INDArray channelsLastInput() {
        if (input.size(1) == 1) {
            INDArray in = HostArrays.contiguousFloat(input);
            return in.reshape('c', in.size(0), in.size(2), in.size(3), 1);
        }
        return HostArrays.channelsLastMemory(input);
    }

    /**
     * Whether the channels-last passes call oneDNN's primitives directly ({@link DnnlConvolution}): when its
     * library loaded, the layer has a bias, and {@value #DIRECT_OFF} is not set (then libnd4j's ops, as before).
     */
    private boolean direct() {
        return DIRECT && layerConf().hasBias();
    }

    /** A JVM property that turns the direct oneDNN calls off, for comparing against libnd4j's ops. */
    static final String DIRECT_OFF = "digitloc.dnnl.disable";
    private static final boolean DIRECT = DnnlConvolution.available() && !Boolean.getBoolean(DIRECT_OFF);

    private DnnlConvolution dnnl(INDArray x, INDArray w) {
        long[] s = x.shape(); // [batch, h, w, in]
        return DnnlConvolution.of(new DnnlConvolution.Shape(s[0], s[1], s[2], s[3], w.size(0), w.size(2), w.size(3)));
    }

    /** kernel, stride 1, no padding, no dilation, "valid", channels-last data, weights [out, in, kH, kW]. */
    private int[] channelsLastArguments() {
        int[] k = layerConf().getKernelSize();
        return new int[] {k[0], k[1], 1, 1, 0, 0, 1, 1, 0, 1, 1};
    }

    /**
     * The configuration asks for parameter gradients only and this layer is one the shortcut computes
     * exactly: NCHW, no Same padding, the identity activation (delta = epsilon), no weight noise.
     */
    private boolean parameterGradientsOnly() {
        return layerConf() instanceof FastConvolution fast && fast.isSkipInputGradient() && simpleShape();
    }

    /** NCHW on the CPU, stride 1, no padding or dilation, identity activation, no weight noise. */
    private boolean simpleShape() {
        var conf = layerConf();
        return HostArrays.hostMemory
                && conf.getCnn2dDataFormat() == CNN2DFormat.NCHW && conf.getConvolutionMode() != ConvolutionMode.Same
                && java.util.Arrays.equals(conf.getStride(), new int[] {1, 1})
                && java.util.Arrays.equals(conf.getPadding(), new int[] {0, 0})
                && java.util.Arrays.equals(conf.getDilation(), new int[] {1, 1})
                && conf.getActivationFn() instanceof ActivationIdentity && conf.getWeightNoise() == null
                && input != null && input.rank() == 4;
    }

    /** Output rows per block of {@link #parameterGradients}: its accumulators then stay in a core's L2 cache. */
    private static final int BLOCK_ROWS = 8;

    /**
     * The gradients of a stride-1, unpadded, undilated convolution's weights ([out, in, kH, kW]) and
     * biases for output channels {@code first} to {@code end}, from its input x ([batch, in, h, w])
     * and the loss gradient d at its output ([batch, out, h-kH+1, w-kW+1]), all row-major:
     * dW[o,c,i,j] = sum over examples and positions of d[b,o,y,x] * x[b,c,y+i,x+j].
     * Block by block of output rows: d's rows padded to the input's width (zeros), and for each tap
     * (i, j) a copy of the input rows shifted by i*w + j, so that every tap is one long element-wise
     * multiply-add the JIT vectorises, accumulated over the batch and summed once per block. (BLAS is
     * the wrong tool: the product's long dimension, every position of the batch, is the one summed over,
     * for only out x kH x kW results; short row-by-row loops vectorise poorly. The alternatives measured:
     * docs/performance.md.)
     */
    static void parameterGradients(FloatBuffer x, FloatBuffer d, ConvShape shape, int first, int end,
                                   float[] weightGrad, float[] biasGrad) {
        int channels = shape.channels();
        int h = shape.height();
        int w = shape.width();
        int kh = shape.kernelHeight();
        int kw = shape.kernelWidth();
        int oh = shape.outHeight();
        int ow = shape.outWidth();
        int taps = channels * kh * kw;
        int outs = end - first;
        int blockLen = BLOCK_ROWS * w;
        float[] rows = new float[(BLOCK_ROWS + kh - 1) * w + kw]; // past the rows read: 0 (meets d's padding)
        float[] dRows = new float[BLOCK_ROWS * ow];
        float[] padded = new float[blockLen]; // columns ow..w-1 stay 0
        float[][] shifted = new float[taps][blockLen];
        float[][] acc = new float[outs * taps][blockLen];
        float[][] biasAcc = new float[outs][blockLen];
        double[] weightSums = new double[outs * taps];
        double[] biasSums = new double[outs];
        for (int y0 = 0; y0 < oh; y0 += BLOCK_ROWS) {
            int blockRows = Math.min(BLOCK_ROWS, oh - y0);
            int len = blockRows * w;
            clear(acc, len);
            clear(biasAcc, len);
            for (int b = 0; b < shape.batch(); b++) {
                for (int c = 0; c < channels; c++) {
                    int inRows = blockRows + kh - 1;
                    x.get(((b * channels + c) * h + y0) * w, rows, 0, inRows * w);
                    java.util.Arrays.fill(rows, inRows * w, rows.length, 0f);
                    for (int i = 0; i < kh; i++) {
                        for (int j = 0; j < kw; j++) {
                            System.arraycopy(rows, i * w + j, shifted[(c * kh + i) * kw + j], 0, len);
                        }
                    }
                }
                for (int o = first; o < end; o++) {
                    d.get(((b * shape.out() + o) * oh + y0) * ow, dRows, 0, blockRows * ow);
                    for (int y = 0; y < blockRows; y++) {
                        System.arraycopy(dRows, y * ow, padded, y * w, ow);
                    }
                    add(biasAcc[o - first], padded, len);
                    for (int t = 0; t < taps; t++) {
                        multiplyAdd(acc[(o - first) * taps + t], padded, shifted[t], len);
                    }
                }
            }
            for (int k = 0; k < outs * taps; k++) {
                weightSums[k] += sum(acc[k], len);
            }
            for (int k = 0; k < outs; k++) {
                biasSums[k] += sum(biasAcc[k], len);
            }
        }
        store(weightSums, weightGrad, first * taps);
        store(biasSums, biasGrad, first);
    }

    /** to[at + k] = sums[k], rounded to float. */
    private static void store(double[] sums, float[] to, int at) {
        for (int k = 0; k < sums.length; k++) {
            to[at + k] = (float) sums[k];
        }
    }

    /** Zeros the first n elements of every array. */
    private static void clear(float[][] arrays, int n) {
        for (float[] a : arrays) {
            java.util.Arrays.fill(a, 0, n, 0f);
        }
    }

    /** acc[t] += a[t] for t below n. */
    private static void add(float[] acc, float[] a, int n) {
        for (int t = 0; t < n; t++) {
            acc[t] += a[t];
        }
    }

    /**
     * acc[t] += a[t] * b[t] for t below n. The same index everywhere lets the JIT vectorise it; with
     * b[t + shift] it cannot rule out that acc and b overlap and runs it scalar (docs/performance.md).
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

    /** Forward passes that ran channels-last (for tests and diagnostics). */
    long channelsLastForwardPasses() {
        return channelsLastPasses;
    }

    /** Backward passes through oneDNN's conv2d_bp on channels-last memory (for tests and diagnostics). */
    long channelsLastBackwardPasses() {
        return channelsLastBackwardPasses;
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
