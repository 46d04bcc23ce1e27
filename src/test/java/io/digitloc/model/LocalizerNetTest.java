package io.digitloc.model;

import io.digitloc.config.Settings;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class LocalizerNetTest {
    @BeforeAll
    static void natives() {
        NativeSetup.configure();
    }

    @Test
    void hasTheReferenceParameterCountAndNamedParts() {
        ComputationGraph net = LocalizerNet.finalModel(75, Settings.defaults().train(), 1);
        assertThat(net.numParams()).isEqualTo(426_638L);
        assertThat(net.getConfiguration().getNetworkOutputs()).containsExactly("classification", "bounding_box");
        assertThat(net.getLayer("conv1").numParams()).isEqualTo(16 * 9 + 16);
        assertThat(net.getLayer("conv3").numParams()).isEqualTo(64 * 32 * 9 + 64);
        assertThat(net.getLayer("dense").numParams()).isEqualTo(7 * 7 * 64 * 128 + 128);
        assertThat(net.getLayer("classification").numParams()).isEqualTo(128 * 10 + 10);
        assertThat(net.getLayer("bounding_box").numParams()).isEqualTo(128 * 4 + 4);
    }

    @Test
    void forwardPassGivesBothHeads() {
        ComputationGraph net = LocalizerNet.finalModel(75, Settings.defaults().train(), 1);
        INDArray[] out = net.output(Nd4j.rand(new int[] {3, 1, 75, 75}));
        assertThat(out).hasSize(2);
        assertThat(out[0].shape()).containsExactly(3, 10);
        assertThat(out[1].shape()).containsExactly(3, 4);
        for (int i = 0; i < 3; i++) {
            assertThat(out[0].getRow(i).sumNumber().doubleValue()).isCloseTo(1.0, within(1e-4));
        }
    }

    @Test
    void theBoxLossWeightScalesTheBoundingBoxLoss() {
        var settings = io.digitloc.config.Settings.load(null, java.util.Map.of("digitloc.train.box-loss-weight", 10));
        ComputationGraph net = LocalizerNet.finalModel(75, settings.train(), 1);
        var loss = (org.nd4j.linalg.lossfunctions.impl.LossMSE)
                ((org.deeplearning4j.nn.conf.layers.BaseOutputLayer) net.getLayer("bounding_box").conf().getLayer())
                        .getLossFn();
        assertThat(loss.getWeights().toFloatVector()).containsExactly(10f, 10f, 10f, 10f);
        assertThat(net.numParams()).isEqualTo(426_638L);
    }

    @Test
    void followsTheCanvasSize() {
        ComputationGraph net = LocalizerNet.finalModel(100, Settings.defaults().train(), 1);
        // 100 → 98 → 49 → 47 → 23 → 21 → 10: dense sees 10*10*64 inputs
        assertThat(net.getLayer("dense").numParams()).isEqualTo(10 * 10 * 64 * 128 + 128);
        assertThat(net.output(Nd4j.rand(new int[] {2, 1, 100, 100}))[1].shape()).containsExactly(2, 4);
    }
}
