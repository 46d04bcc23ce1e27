package io.digitloc.model;

import io.digitloc.platform.NativeSetup;
import io.digitloc.config.Settings;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.util.ModelSerializer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.MultiDataSet;
import org.nd4j.linalg.factory.Nd4j;

import java.io.File;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.Map;
import java.util.Arrays;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * The project's own layers ({@link AveragePooling2x2}, {@link FastConvolution}) against DL4J's stock
 * layers: same outputs, same gradients, same parameters after training steps.
 */
class FastLayersTest {
    @BeforeAll
    static void natives() {
        NativeSetup.configure();
    }

    private static ComputationGraph net(boolean fastLayers) {
        var train = Settings.load(null, Map.of("digitloc.train.fast-layers", fastLayers)).train();
        return LocalizerNet.untrained(75, train, 7);
    }

    private static MultiDataSet batch(int n) {
        Nd4j.getRandom().setSeed(3);
        INDArray labels = Nd4j.zeros(n, 10);
        for (int i = 0; i < n; i++) {
            labels.putScalar(i, i % 10, 1);
        }
        return new MultiDataSet(new INDArray[] {Nd4j.rand(new int[] {n, 1, 75, 75})},
                new INDArray[] {labels, Nd4j.rand(n, 4)});
    }

    @Test
    void computesWhatDl4jsLayersComputeForwardAndBackward() {
        assertThat(HostArrays.hostMemory).isTrue();
        sameAsStockLayers();
    }

    @Test
    void withoutTheVectorApiModuleThePlainJavaPathComputesTheSame() {
        // a JVM started without --add-modules=jdk.incubator.vector: NCHW throughout, plain-Java passes
        VectorGradients.enabled = false;
        try {
            sameAsStockLayers();
        } finally {
            VectorGradients.enabled = VectorGradients.AVAILABLE;
        }
    }

    @Test
    void theNd4jKernelPathForGpusComputesTheSame() {
        HostArrays.hostMemory = false;
        try {
            sameAsStockLayers();
        } finally {
            HostArrays.hostMemory = true;
        }
    }

    private void sameAsStockLayers() {
        ComputationGraph ours = net(true);
        ComputationGraph dl4j = net(false);
        assertThat(ours.getLayer("pool1")).isInstanceOf(AveragePooling2x2Layer.class);
        assertThat(ours.getLayer("conv2")).isInstanceOf(FastConvolutionLayer.class);
        assertThat(dl4j.getLayer("pool1")).isNotInstanceOf(AveragePooling2x2Layer.class);
        assertThat(dl4j.getLayer("conv2")).isNotInstanceOf(FastConvolutionLayer.class);
        assertThat(ours.params()).isEqualTo(dl4j.params()); // pooling has no parameters: same initialisation
        MultiDataSet data = batch(6);

        INDArray[] a = ours.output(data.getFeatures(0));
        INDArray[] b = dl4j.output(data.getFeatures(0));
        for (int i = 0; i < 2; i++) {
            assertThat(a[i].sub(b[i]).amaxNumber().doubleValue()).isLessThan(1e-5);
        }

        ours.setInputs(data.getFeatures());
        ours.setLabels(data.getLabels());
        ours.computeGradientAndScore();
        dl4j.setInputs(data.getFeatures());
        dl4j.setLabels(data.getLabels());
        dl4j.computeGradientAndScore();
        assertThat(ours.score()).isCloseTo(dl4j.score(), within(1e-5));
        for (String param : new String[] {"conv1_W", "conv1_b", "conv2_W", "conv3_b", "dense_W"}) {
            INDArray ga = ours.gradient().getGradientFor(param);
            INDArray gb = dl4j.gradient().getGradientFor(param);
            double scale = gb.amaxNumber().doubleValue();
            assertThat(scale).as(param).isGreaterThan(0);
            assertThat(ga.sub(gb).amaxNumber().doubleValue() / scale).as(param).isLessThan(1e-4);
        }

        for (int step = 0; step < 3; step++) {
            ours.fit(data);
            dl4j.fit(data);
        }
        assertThat(ours.params().sub(dl4j.params()).amaxNumber().doubleValue()).isLessThan(1e-5);
        // the shortcuts were taken (with the oneDNN helper on): once per backward pass; the first
        // convolution computes its parameters' gradients only; off the CPU (no channels-last path) the
        // backward pass reuses the forward one's output
        boolean channelsLast = HostArrays.hostMemory && VectorGradients.enabled;
        assertThat(((FastConvolutionLayer) ours.getLayer("conv2")).reusedForwardPasses())
                .isEqualTo(channelsLast ? 0 : 4);
        assertThat(((FastConvolutionLayer) ours.getLayer("conv1")).weightsOnlyBackwardPasses())
                .isEqualTo(HostArrays.hostMemory ? 4 : 0); // a plain-Java pass: CPU only
        assertThat(((FastConvolutionLayer) ours.getLayer("conv2")).weightsOnlyBackwardPasses()).isZero();
        // the first convolution ran channels-last (CPU with the Vector API module, which surefire passes)
        assertThat(((FastConvolutionLayer) ours.getLayer("conv1")).channelsLastForwardPasses())
                .isEqualTo(channelsLast ? 5 : 0); // output, gradient, three fits
        // the layers above it too, forward and backward, through oneDNN on channels-last memory
        assertThat(((FastConvolutionLayer) ours.getLayer("conv3")).channelsLastForwardPasses())
                .isEqualTo(channelsLast ? 5 : 0);
        assertThat(((FastConvolutionLayer) ours.getLayer("conv2")).channelsLastBackwardPasses())
                .isEqualTo(channelsLast ? 4 : 0);
        assertThat(ours.params().sub(net(true).params()).amaxNumber().doubleValue()).isGreaterThan(1e-4); // it learned
    }

    /** A pass over output channels first to end: the plain-Java one or the Vector API one. */
    interface GradientPass {
        void run(FloatBuffer x, FloatBuffer d, ConvShape shape, int first, int end, float[] weights, float[] biases);
    }

    @Test
    void parameterGradientsMatchTheDefinitionForAnyShape() {
        assertMatchesDefinition(FastConvolutionLayer::parameterGradients, 3, 2, 7, 6, 4, 3, 2);
        assertMatchesDefinition(FastConvolutionLayer::parameterGradients, 2, 1, 9, 11, 3, 3, 3);
    }

    @Test
    void vectorGradientsMatchTheDefinition() {
        // surefire starts the JVM with the module, as the launchers do: this must not pass by skipping
        assertThat(VectorGradients.AVAILABLE).as("JVM started with --add-modules=jdk.incubator.vector").isTrue();
        assertThat(VectorGradients.applies(3, 3)).isTrue();
        assertThat(VectorGradients.applies(3, 2)).isFalse();
        GradientPass vector = VectorGradients::parameterGradients3x3;
        assertMatchesDefinition(vector, 3, 2, 7, 6, 4, 3, 3);
        assertMatchesDefinition(vector, 2, 1, 75, 75, 3, 3, 3); // conv1's planes: 73 wide, not whole vectors
        assertMatchesDefinition(vector, 1, 3, 5, 21, 2, 3, 3);
    }

    private static void assertMatchesDefinition(GradientPass pass, int batch, int channels, int h, int w, int out,
                                                int kh, int kw) {
        int oh = h - kh + 1, ow = w - kw + 1;
        Random random = new Random(2);
        float[] x = new float[batch * channels * h * w];
        float[] d = new float[batch * out * oh * ow];
        for (int i = 0; i < x.length; i++) {
            x[i] = random.nextFloat() - 0.5f;
        }
        for (int i = 0; i < d.length; i++) {
            d[i] = random.nextFloat() - 0.5f;
        }
        float[] weights = new float[out * channels * kh * kw];
        float[] biases = new float[out];
        // two calls over disjoint output channels, as two threads do
        ConvShape shape = new ConvShape(batch, channels, h, w, out, kh, kw);
        pass.run(FloatBuffer.wrap(x), FloatBuffer.wrap(d), shape, 0, 1, weights, biases);
        pass.run(FloatBuffer.wrap(x), FloatBuffer.wrap(d), shape, 1, out, weights, biases);
        for (int o = 0; o < out; o++) {
            double bias = 0;
            for (int b = 0; b < batch; b++) {
                for (int p = 0; p < oh * ow; p++) {
                    bias += d[(b * out + o) * oh * ow + p];
                }
            }
            assertThat(biases[o]).isCloseTo((float) bias, within(1e-5f + 1e-6f * oh * ow * batch));
            for (int c = 0; c < channels; c++) {
                for (int i = 0; i < kh; i++) {
                    for (int j = 0; j < kw; j++) {
                        double sum = 0;
                        for (int b = 0; b < batch; b++) {
                            for (int y = 0; y < oh; y++) {
                                for (int z = 0; z < ow; z++) {
                                    sum += d[((b * out + o) * oh + y) * ow + z] * x[((b * channels + c) * h + y + i) * w + z + j];
                                }
                            }
                        }
                        assertThat(weights[((o * channels + c) * kh + i) * kw + j]).as("o %d c %d tap %d,%d", o, c, i, j)
                                .isCloseTo((float) sum, within(1e-5f + 1e-6f * oh * ow * batch));
                    }
                }
            }
        }
    }

    @Test
    void channelsLastGradientsMatchTheDefinition() {
        assertThat(VectorGradients.appliesChannelsLast(3, 3, 16)).isTrue();
        assertThat(VectorGradients.appliesChannelsLast(3, 3, 17)).isFalse();
        int batch = 3, h = 9, w = 8, out = 32, oh = h - 2, ow = w - 2;
        Random random = new Random(3);
        float[] x = new float[batch * h * w];
        float[] d = new float[batch * oh * ow * out]; // [batch, oh, ow, out]
        for (int i = 0; i < x.length; i++) {
            x[i] = random.nextFloat() - 0.5f;
        }
        for (int i = 0; i < d.length; i++) {
            d[i] = random.nextFloat() - 0.5f;
        }
        double[] weights = new double[9 * out];
        double[] biases = new double[out];
        // two calls over disjoint examples, as two threads do: they add up
        ConvShape shape = new ConvShape(batch, 1, h, w, out, 3, 3);
        VectorGradients.channelsLast3x3(FloatBuffer.wrap(x), FloatBuffer.wrap(d), shape, 0, 1, weights, biases);
        VectorGradients.channelsLast3x3(FloatBuffer.wrap(x), FloatBuffer.wrap(d), shape, 1, batch, weights, biases);
        for (int o = 0; o < out; o++) {
            double bias = 0;
            for (int p = 0; p < batch * oh * ow; p++) {
                bias += d[p * out + o];
            }
            assertThat(biases[o]).isCloseTo(bias, within(1e-4));
            for (int i = 0; i < 3; i++) {
                for (int j = 0; j < 3; j++) {
                    double sum = 0;
                    for (int b = 0; b < batch; b++) {
                        for (int y = 0; y < oh; y++) {
                            for (int z = 0; z < ow; z++) {
                                sum += d[((b * oh + y) * ow + z) * out + o] * x[(b * h + y + i) * w + z + j];
                            }
                        }
                    }
                    assertThat(weights[(i * 3 + j) * out + o]).as("o %d tap %d,%d", o, i, j).isCloseTo(sum, within(1e-4));
                }
            }
        }
    }

    @Test
    void channelsLastPoolingComputesWhatThePlanarPassesCompute() {
        for (int c : new int[] {3, 35}) { // 35: whole vectors (8 or 16 lanes) and a tail
            channelsLastPoolingMatchesThePlanarPasses(c);
        }
    }

    private static void channelsLastPoolingMatchesThePlanarPasses(int c) {
        int n = 2, h = 5, w = 7; // odd sides: the last row and column are left out
        Random random = new Random(4);
        float[] planar = new float[n * c * h * w];
        for (int i = 0; i < planar.length; i++) {
            planar[i] = random.nextFloat() - 0.5f;
        }
        float[] last = toChannelsLast(planar, n, c, h, w);
        float[] eps = new float[n * c * (h / 2) * (w / 2)];
        for (int i = 0; i < eps.length; i++) {
            eps[i] = random.nextFloat() - 0.5f;
        }
        for (boolean relu : new boolean[] {false, true}) {
            float[] expected = new float[eps.length];
            AveragePooling2x2Layer.forward(FloatBuffer.wrap(planar), FloatBuffer.wrap(expected), n * c, h, w, relu);
            // the Vector API pass, in place in native memory, over two example ranges as two threads do
            ByteBuffer out = direct(new float[eps.length]);
            VectorPooling.forward(direct(last), out, 0, 1, new Planes(c, h, w), relu);
            VectorPooling.forward(direct(last), out, 1, n, new Planes(c, h, w), relu);
            assertThat(floats(out)).containsExactly(toChannelsLast(expected, n, c, h / 2, w / 2));

            float[] gradPlanar = new float[planar.length];
            AveragePooling2x2Layer.backward(FloatBuffer.wrap(eps), FloatBuffer.wrap(gradPlanar),
                    relu ? FloatBuffer.wrap(planar) : null, n * c, h, w);
            float[] nans = new float[planar.length];
            Arrays.fill(nans, Float.NaN); // every element must be written
            ByteBuffer grad = direct(nans);
            ByteBuffer epsLast = direct(toChannelsLast(eps, n, c, h / 2, w / 2));
            VectorPooling.backward(epsLast, grad, relu ? direct(last) : null, 0, 1, new Planes(c, h, w));
            VectorPooling.backward(epsLast, grad, relu ? direct(last) : null, 1, n, new Planes(c, h, w));
            assertThat(floats(grad)).containsExactly(toChannelsLast(gradPlanar, n, c, h, w));
        }
    }

    private static ByteBuffer direct(float[] values) {
        ByteBuffer b = ByteBuffer.allocateDirect(values.length * Float.BYTES).order(ByteOrder.nativeOrder());
        b.asFloatBuffer().put(values);
        return b;
    }

    private static float[] floats(ByteBuffer b) {
        float[] values = new float[b.capacity() / Float.BYTES];
        b.asFloatBuffer().get(values);
        return values;
    }

    private static float[] toChannelsLast(float[] planar, int n, int c, int h, int w) {
        float[] last = new float[planar.length];
        for (int b = 0; b < n; b++) {
            for (int ch = 0; ch < c; ch++) {
                for (int y = 0; y < h; y++) {
                    for (int x = 0; x < w; x++) {
                        last[((b * h + y) * w + x) * c + ch] = planar[((b * c + ch) * h + y) * w + x];
                    }
                }
            }
        }
        return last;
    }

    @Test
    void oddSidesDropTheLastRowAndColumnAndGetNoGradient() {
        int planes = 3;
        int h = 5;
        int w = 7;
        float[] in = new float[planes * h * w];
        Random random = new Random(1);
        for (int i = 0; i < in.length; i++) {
            in[i] = random.nextFloat() - 0.5f;
        }
        for (boolean relu : new boolean[] {false, true}) {
            float[] out = new float[planes * 2 * 3];
            AveragePooling2x2Layer.forward(FloatBuffer.wrap(in), FloatBuffer.wrap(out), planes, h, w, relu);
            for (int p = 0; p < planes; p++) {
                for (int y = 0; y < 2; y++) {
                    for (int x = 0; x < 3; x++) {
                        int o = p * h * w + 2 * y * w + 2 * x;
                        float expected = (act(in[o], relu) + act(in[o + 1], relu) + act(in[o + w], relu)
                                + act(in[o + w + 1], relu)) / 4;
                        assertThat(out[p * 6 + y * 3 + x]).isCloseTo(expected, within(1e-6f));
                    }
                }
            }
            float[] eps = new float[out.length];
            java.util.Arrays.fill(eps, 2f);
            float[] grad = new float[in.length];
            java.util.Arrays.fill(grad, Float.NaN); // every element must be written
            AveragePooling2x2Layer.backward(FloatBuffer.wrap(eps), FloatBuffer.wrap(grad),
                    relu ? FloatBuffer.wrap(in) : null, planes, h, w);
            int cut = 0;
            for (int p = 0; p < planes; p++) {
                for (int y = 0; y < h; y++) {
                    for (int x = 0; x < w; x++) {
                        int i = p * h * w + y * w + x;
                        boolean passes = !relu || in[i] > 0;
                        cut += y < 4 && x < 6 && !passes ? 1 : 0;
                        float expected = y < 4 && x < 6 && passes ? 0.5f : 0f;
                        assertThat(grad[i]).as("(%d,%d,%d) relu %s", p, y, x, relu).isEqualTo(expected);
                    }
                }
            }
            assertThat(cut > 0).isEqualTo(relu); // the ReLU case really cut some gradients
        }
    }

    private static float act(float v, boolean relu) {
        return relu ? Math.max(v, 0f) : v;
    }

    @Test
    void survivesTheConfigurationJsonAndModelFiles(@TempDir File dir) throws Exception {
        ComputationGraph net = net(true);
        ComputationGraphConfiguration back = ComputationGraphConfiguration.fromJson(net.getConfiguration().toJson());
        assertThat(back).isEqualTo(net.getConfiguration());
        File file = new File(dir, "model.zip");
        ModelSerializer.writeModel(net, file, true);
        ComputationGraph restored = ModelSerializer.restoreComputationGraph(file, true);
        assertThat(restored.getLayer("pool3")).isInstanceOf(AveragePooling2x2Layer.class);
        assertThat(((AveragePooling2x2) restored.getLayer("pool3").conf().getLayer()).isRelu()).isTrue();
        assertThat(restored.getLayer("conv3")).isInstanceOf(FastConvolutionLayer.class);
        INDArray x = batch(2).getFeatures(0);
        assertThat(restored.output(x)[1]).isEqualTo(net.output(x)[1]);
    }
}
