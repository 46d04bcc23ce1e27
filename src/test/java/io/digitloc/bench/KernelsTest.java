package io.digitloc.bench;

import io.digitloc.platform.NativeSetup;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class KernelsTest {
    @BeforeAll
    static void natives() {
        NativeSetup.configure();
    }

    @Test
    void timesTheNetworksThreeBlocksAtTheirShapes() {
        assertThat(Kernels.blocks(75)).containsExactly(new Kernels.Block(1, 16, 75), new Kernels.Block(16, 32, 36),
                new Kernels.Block(32, 64, 17));
        List<String> lines = new ArrayList<>();
        List<Kernels.Timing> timings = new Kernels(2, 1).run(40, lines::add);
        assertThat(timings).hasSize(6).allSatisfy(t -> assertThat(t.step()).isPositive());
        assertThat(timings).extracting(Kernels.Timing::layout).containsExactly("NCHW", "NCHW", "NCHW", "NHWC", "NHWC", "NHWC");
        assertThat(lines).anyMatch(l -> l.startsWith("NCHW conv blocks per training step"));
    }
}
