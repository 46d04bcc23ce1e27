package io.digitloc.model;

import io.digitloc.platform.NativeSetup;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.DynamicCustomOp;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

import static org.assertj.core.api.Assertions.assertThat;

/** oneDNN's primitives called directly compute what libnd4j's conv2d and conv2d_bp ops compute. */
class DnnlConvolutionTest {
    @BeforeAll
    static void natives() {
        NativeSetup.configure();
    }

    @ParameterizedTest
    @CsvSource({"3, 9, 8, 5, 4", "2, 12, 12, 16, 32", "2, 7, 7, 1, 16"})
    void matchesLibnd4jsConvolutionForwardAndBackwardOnChannelsLastMemory(int n, int h, int w, int in, int out) {
        assertThat(DnnlConvolution.available()).isTrue();
        Nd4j.getRandom().setSeed(11);
        INDArray x = Nd4j.rand(n, h, w, in).subi(0.5);
        // as in a DL4J network: weights and bias are views into one flat parameter vector
        INDArray params = Nd4j.rand(1, 7 + out * in * 9 + out).subi(0.5);
        INDArray weights = params.get(NDArrayIndex.point(0), NDArrayIndex.interval(7, 7 + out * in * 9))
                .reshape('c', out, in, 3, 3);
        INDArray bias = params.get(NDArrayIndex.point(0), NDArrayIndex.interval(7 + out * in * 9, 7 + out * in * 9 + out));
        INDArray dz = Nd4j.rand(n, h - 2, w - 2, out).subi(0.5);
        int[] args = {3, 3, 1, 1, 0, 0, 1, 1, 0, 1, 1}; // valid, NHWC, weights [out, in, kH, kW]
        INDArray zRef = Nd4j.create(n, h - 2, w - 2, out);
        exec("conv2d", new INDArray[] {x, weights, bias}, new INDArray[] {zRef}, args);
        INDArray dxRef = x.ulike();
        INDArray dwRef = weights.ulike();
        INDArray dbRef = bias.ulike();
        exec("conv2d_bp", new INDArray[] {x, weights, bias, dz}, new INDArray[] {dxRef, dwRef, dbRef}, args);

        DnnlConvolution conv = DnnlConvolution.of(new DnnlConvolution.Shape(n, h, w, in, out, 3, 3));
        INDArray z = zRef.ulike();
        conv.forward(x, weights, bias, z);
        INDArray dx = x.ulike();
        INDArray gradients = Nd4j.zeros(1, 5 + out * in * 9 + out);
        INDArray dw = gradients.get(NDArrayIndex.point(0), NDArrayIndex.interval(5, 5 + out * in * 9))
                .reshape('c', out, in, 3, 3);
        INDArray db = gradients.get(NDArrayIndex.point(0), NDArrayIndex.interval(5 + out * in * 9, 5 + out * in * 9 + out));
        conv.backward(x, weights, dz, dx, dw, db);

        assertThat(maxDifference(z, zRef)).isLessThan(1e-5);
        assertThat(maxDifference(dx, dxRef)).isLessThan(1e-5);
        assertThat(maxDifference(dw, dwRef)).isLessThan(1e-4);
        assertThat(maxDifference(db, dbRef)).isLessThan(1e-4);
        assertThat(gradients.getDouble(0, 4)).isZero(); // nothing written before the views
        assertThat(weights.offset()).isPositive();
    }

    /** DL4J's parameters and gradients are views into flat vectors, with the offset in the buffer rather than the array. */
    @org.junit.jupiter.api.Test
    void readsAndWritesANetworksParameterAndGradientViews() {
        var train = io.digitloc.config.Settings.load(null, java.util.Map.of()).train();
        var net = LocalizerNet.untrained(75, train, 7);
        net.initGradientsView();
        var layer = (FastConvolutionLayer) net.getLayer("conv2");
        INDArray weights = layer.getParam("W");
        INDArray bias = layer.getParam("b").reshape(32);
        INDArray dw = layer.getGradientsViewArray().reshape(-1).get(NDArrayIndex.interval(0, 32 * 16 * 9))
                .reshape('c', 32, 16, 3, 3);
        Nd4j.getRandom().setSeed(5);
        INDArray x = Nd4j.rand(2, 10, 10, 16);
        INDArray dz = Nd4j.rand(2, 8, 8, 32);
        int[] args = {3, 3, 1, 1, 0, 0, 1, 1, 0, 1, 1};
        INDArray zRef = Nd4j.create(2, 8, 8, 32);
        exec("conv2d", new INDArray[] {x, weights, bias}, new INDArray[] {zRef}, args);
        INDArray dwRef = Nd4j.create(32, 16, 3, 3);
        exec("conv2d_bp", new INDArray[] {x, weights, bias, dz}, new INDArray[] {x.ulike(), dwRef, bias.ulike()}, args);

        DnnlConvolution conv = DnnlConvolution.of(new DnnlConvolution.Shape(2, 10, 10, 16, 32, 3, 3));
        INDArray z = zRef.ulike();
        conv.forward(x, weights, bias, z);
        conv.backward(x, weights, dz, x.ulike(), dw, Nd4j.create(32));

        assertThat(net.params().length()).isGreaterThan(weights.length()); // views, not copies
        assertThat(maxDifference(z, zRef)).isLessThan(1e-5);
        assertThat(maxDifference(dw, dwRef)).isLessThan(1e-4);
    }

    private static double maxDifference(INDArray a, INDArray b) {
        return a.sub(b).amaxNumber().doubleValue();
    }

    private static void exec(String op, INDArray[] in, INDArray[] out, int... args) {
        Nd4j.exec(DynamicCustomOp.builder(op).addInputs(in).addOutputs(out).addIntegerArguments(args).build());
    }
}
