package io.digitloc.bench;

import io.digitloc.config.Settings;
import io.digitloc.model.LocalizerNet;
import io.digitloc.platform.NativeSetup;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.nd4j.linalg.factory.Nd4j;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class StepFlopsTest {
    @BeforeAll
    static void natives() {
        NativeSetup.configure();
    }

    /** Counted by hand from the network's layers: 2 x weights x output positions, forward. */
    @ParameterizedTest
    @ValueSource(booleans = {true, false})
    void countsTheNetworksMultiplyAddsFromItsWeightsAndActivations(boolean fastLayers) {
        var train = Settings.load(null, Map.of("digitloc.train.fast-layers", fastLayers)).train();
        var net = LocalizerNet.untrained(75, train, 7);
        double conv1 = 2.0 * 16 * 9 * 73 * 73;
        double conv2 = 2.0 * 32 * 16 * 9 * 34 * 34;
        double conv3 = 2.0 * 64 * 32 * 9 * 15 * 15;
        double dense = 2.0 * 64 * 7 * 7 * 128 + 2.0 * 128 * 10 + 2.0 * 128 * 4;
        double forward = conv1 + conv2 + conv3 + dense;

        StepFlops.PerImage flops = StepFlops.of(net, Nd4j.rand(1, 1, 75, 75));

        assertThat(flops.forward()).isEqualTo(forward);
        // forward, weight gradients, and input gradients of every layer but the first
        assertThat(flops.training()).isEqualTo(3 * forward - conv1);
    }
}
