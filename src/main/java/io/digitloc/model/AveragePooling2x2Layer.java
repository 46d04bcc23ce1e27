package io.digitloc.model;

import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.gradient.DefaultGradient;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.layers.AbstractLayer;
import org.deeplearning4j.nn.workspace.ArrayType;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.DynamicCustomOp;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.ops.transforms.Transforms;

import java.nio.ByteBuffer;
import java.nio.FloatBuffer;

/**
 * The layer of {@link AveragePooling2x2}: each output pixel is the mean of a 2x2 input window (of
 * relu(input) when the configuration says so); an odd last row or column is left out (Keras' "valid").
 * Backward, each input pixel of a window receives a quarter of the window's gradient (none where the
 * ReLU cut the input to 0) and a left-out pixel none. The output and the input's gradient keep the
 * input's layout. NCHW input (the network without the Vector API, or DL4J's conv layers below) goes a
 * plane at a time through a few per-thread Java arrays; channels-last input (what
 * {@link FastConvolutionLayer} hands on, only when the Vector API is there) is pooled in place in
 * native memory by {@link VectorPooling}.
 */
public class AveragePooling2x2Layer extends AbstractLayer<AveragePooling2x2> {
    private static final int[] POOL_ARGS = {2, 2, 2, 2, 0, 0, 1, 1, 0, 0, 0}; // 2x2, stride 2, valid, NCHW

    public AveragePooling2x2Layer(NeuralNetConfiguration conf, DataType dataType) {
        super(conf, dataType);
    }

    @Override
    public INDArray activate(boolean training, LayerWorkspaceMgr workspaceMgr) {
        assertInputSet(false);
        if (!HostArrays.hostMemory) {
            INDArray out = workspaceMgr.createUninitialized(ArrayType.ACTIVATIONS, input.dataType(),
                    new long[] {input.size(0), input.size(1), input.size(2) / 2, input.size(3) / 2}, 'c');
            exec("avgpool2d", new INDArray[] {activated()}, out);
            return out;
        }
        if (HostArrays.channelsLast(input)) { // channels-last out too, seen as [batch, c, h/2, w/2]
            long[] s = input.shape();
            INDArray out = workspaceMgr.createUninitialized(ArrayType.ACTIVATIONS, DataType.FLOAT,
                    new long[] {s[0], s[2] / 2, s[3] / 2, s[1]}, 'c');
            ByteBuffer from = HostArrays.bytes(input);
            ByteBuffer to = HostArrays.bytes(out);
            boolean relu = layerConf().isRelu();
            Planes planes = Planes.of(s);
            PlaneChunks.run(Math.toIntExact(s[0]), (first, end) ->
                    VectorPooling.forward(from, to, first, end, planes, relu));
            return out.permute(0, 3, 1, 2);
        }
        INDArray in = HostArrays.contiguousFloat(input);
        long[] s = in.shape();
        INDArray out = workspaceMgr.createUninitialized(ArrayType.ACTIVATIONS, DataType.FLOAT,
                new long[] {s[0], s[1], s[2] / 2, s[3] / 2}, 'c');
        FloatBuffer from = HostArrays.floats(in);
        FloatBuffer to = HostArrays.floats(out);
        boolean relu = layerConf().isRelu();
        PlaneChunks.run(Math.toIntExact(s[0] * s[1]), (first, end) ->
                forward(from, to, first, end, (int) s[2], (int) s[3], relu));
        return asInputType(out, ArrayType.ACTIVATIONS, workspaceMgr);
    }

    @Override
    public Pair<Gradient, INDArray> backpropGradient(INDArray epsilon, LayerWorkspaceMgr workspaceMgr) {
        assertInputSet(true);
        long[] s = input.shape();
        if (!HostArrays.hostMemory) {
            INDArray grad = workspaceMgr.createUninitialized(ArrayType.ACTIVATION_GRAD, input.dataType(), s, 'c');
            exec("avgpool2d_bp", new INDArray[] {activated(), epsilon}, grad);
            if (layerConf().isRelu()) {
                grad.muli(input.gt(0).castTo(grad.dataType()));
            }
            return new Pair<>(new DefaultGradient(), grad);
        }
        if (HostArrays.channelsLast(input)) { // the gradient in the input's layout, as the layer below reads it
            INDArray gradIn = workspaceMgr.createUninitialized(ArrayType.ACTIVATION_GRAD, DataType.FLOAT,
                    new long[] {s[0], s[2], s[3], s[1]}, 'c');
            // epsilon is channels-last from the convolution above, or NCHW from the flatten (a small copy)
            ByteBuffer e = HostArrays.bytes(HostArrays.channelsLastMemory(epsilon));
            ByteBuffer g = HostArrays.bytes(gradIn);
            ByteBuffer z = layerConf().isRelu() ? HostArrays.bytes(input) : null;
            Planes planes = Planes.of(s);
            PlaneChunks.run(Math.toIntExact(s[0]), (first, end) -> VectorPooling.backward(e, g, z, first, end, planes));
            return new Pair<>(new DefaultGradient(), gradIn.permute(0, 3, 1, 2));
        }
        INDArray eps = HostArrays.contiguousFloat(epsilon);
        INDArray gradIn = workspaceMgr.createUninitialized(ArrayType.ACTIVATION_GRAD, DataType.FLOAT, s, 'c');
        FloatBuffer reluInput = layerConf().isRelu() ? HostArrays.floats(HostArrays.contiguousFloat(input)) : null;
        FloatBuffer from = HostArrays.floats(eps);
        FloatBuffer to = HostArrays.floats(gradIn);
        PlaneChunks.run(Math.toIntExact(s[0] * s[1]), (first, end) ->
                backward(from, to, reluInput, first, end, (int) s[2], (int) s[3]));
        return new Pair<>(new DefaultGradient(), asInputType(gradIn, ArrayType.ACTIVATION_GRAD, workspaceMgr));
    }

    /** {@code a} (computed in float) in the input's data type, in the workspace of {@code type}. */
    private INDArray asInputType(INDArray a, ArrayType type, LayerWorkspaceMgr workspaceMgr) {
        return a.dataType() == input.dataType() ? a : workspaceMgr.leverageTo(type, a.castTo(input.dataType()));
    }

    private INDArray activated() {
        return layerConf().isRelu() ? Transforms.relu(input, true) : input;
    }

    private static void exec(String op, INDArray[] in, INDArray out) {
        Nd4j.exec(DynamicCustomOp.builder(op).addInputs(in).addOutputs(out).addIntegerArguments(POOL_ARGS).build());
    }

    /**
     * Pools {@code planes} row-major h x w planes of {@code in} (after a ReLU if {@code relu}) into
     * (h/2) x (w/2) planes of {@code out}.
     */
    static void forward(FloatBuffer in, FloatBuffer out, int planes, int h, int w, boolean relu) {
        forward(in, out, 0, planes, h, w, relu);
    }

    /**
     * {@link #forward(FloatBuffer, FloatBuffer, int, int, int, boolean)} of planes {@code first} to {@code end}
     * only. A whole plane at a time in and out of the native buffers (one bulk copy each way, not one
     * per row: conv3's rows are 15 floats, where a copy's fixed cost outweighs its work).
     */
    static void forward(FloatBuffer in, FloatBuffer out, int first, int end, int h, int w, boolean relu) {
        int ph = h / 2;
        int pw = w / 2;
        float[] plane = new float[h * w];
        float[] pooled = new float[ph * pw];
        for (int p = first; p < end; p++) {
            in.get(p * h * w, plane);
            if (relu) {
                for (int i = 0; i < plane.length; i++) {
                    plane[i] = Math.max(plane[i], 0f);
                }
            }
            for (int y = 0; y < ph; y++) {
                int top = 2 * y * w;
                int bottom = top + w;
                int row = y * pw;
                for (int x = 0; x < pw; x++) {
                    pooled[row + x] = 0.25f * (plane[top + 2 * x] + plane[top + 2 * x + 1]
                            + plane[bottom + 2 * x] + plane[bottom + 2 * x + 1]);
                }
            }
            out.put(p * ph * pw, pooled);
        }
    }

    /**
     * Spreads each (h/2) x (w/2) gradient plane of {@code eps} over its h x w input plane in {@code grad};
     * with {@code reluInput} (the forward input), only where that input was positive.
     */
    static void backward(FloatBuffer eps, FloatBuffer grad, FloatBuffer reluInput, int planes, int h, int w) {
        backward(eps, grad, reluInput, 0, planes, h, w);
    }

    /**
     * {@link #backward(FloatBuffer, FloatBuffer, FloatBuffer, int, int, int)} of planes {@code first} to
     * {@code end} only. The ReLU mask is taken from the input's bits, without a branch: about half the
     * inputs are negative in no order, and a data-dependent branch (or a float select, which the JIT
     * compiles to one) mispredicts on each of them: several times slower than this (docs/performance.md).
     */
    static void backward(FloatBuffer eps, FloatBuffer grad, FloatBuffer reluInput, int first, int end, int h, int w) {
        int ph = h / 2;
        int pw = w / 2;
        float[] e = new float[ph * pw];
        float[] plane = new float[h * w]; // an odd last row and column stay 0
        float[] z = new float[h * w];
        for (int p = first; p < end; p++) {
            eps.get(p * ph * pw, e);
            for (int y = 0; y < ph; y++) {
                int top = 2 * y * w;
                int bottom = top + w;
                for (int x = 0; x < pw; x++) {
                    float v = 0.25f * e[y * pw + x];
                    plane[top + 2 * x] = v;
                    plane[top + 2 * x + 1] = v;
                    plane[bottom + 2 * x] = v;
                    plane[bottom + 2 * x + 1] = v;
                }
            }
            if (reluInput != null) {
                reluInput.get(p * h * w, z);
                for (int i = 0; i < z.length; i++) {
                    z[i] = Float.intBitsToFloat(Float.floatToRawIntBits(plane[i]) & positive(z[i]));
                }
                grad.put(p * h * w, z);
            } else {
                grad.put(p * h * w, plane);
            }
        }
    }

    /**
     * All ones when {@code v > 0}, else (0, -0, negative) zero: with b the bits of v, -b and ~b both have
     * the sign bit set only when b is positive as an int, which is when v is a positive float (or NaN).
     */
    static int positive(float v) {
        int b = Float.floatToRawIntBits(v);
        return (-b & ~b) >> 31;
    }

    @Override
    public boolean isPretrainLayer() {
        return false;
    }

    @Override
    public void clearNoiseWeightParams() {
        // no parameters
    }

    @Override
    public Layer.Type type() {
        return Layer.Type.SUBSAMPLING;
    }

    @Override
    public double calcRegularizationScore(boolean backpropOnlyParams) {
        return 0;
    }
}
