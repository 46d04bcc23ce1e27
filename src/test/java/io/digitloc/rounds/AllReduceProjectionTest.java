package io.digitloc.rounds;

import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.offset;

/** The barrier engine's projection, against answers worked out by hand. */
class AllReduceProjectionTest {
    private final AllReduceProjection p = AllReduceProjection.of(16, 64,
            Map.of(64, 0.08, 32, 0.05, 16, 0.03, 8, 0.02), 0.02, 0.05, 5e6);

    @Test
    void workersShareTheBatchDownToEightEach() {
        assertThat(p.workerBatch(1)).isEqualTo(64);
        assertThat(p.workerBatch(2)).isEqualTo(32);
        assertThat(p.workerBatch(8)).isEqualTo(8);
        assertThat(p.workerBatch(16)).isEqualTo(8); // the global batch grows to 128
    }

    @Test
    void aBatchPerWorkerKeepsEachWorkersStepAndCountsNTimesTheSamples() {
        AllReduceProjection each = AllReduceProjection.of(16, 64, Map.of(64, 0.08, 32, 0.05), 0.02, 0.05, 5e6, 512);
        assertThat(each.workerBatch(8)).isEqualTo(64);
        assertThat(each.compute(8)).isEqualTo(16 * 0.08, offset(1e-12));
        // 8 x (1.28 + 0.02) / (1.28 + 0.05 + 2 x 7/8 x 5 MB at 10 Gbit/s = 7 ms)
        assertThat(each.speedup(8, 1, 10)).isEqualTo(8 * 1.30 / 1.337, offset(1e-9));
        // past the limit of 512 it is shared out: 16 executors fit 32 each, twice the samples of 8 a round
        assertThat(each.workerBatch(16)).isEqualTo(32);
        assertThat(each.speedup(16, 1, 10)).isEqualTo(8 * 1.30 / (16 * 0.05 + 0.05 + 2 * 15.0 / 16 * 5e6 * 8 / 1e10),
                offset(1e-9));
    }

    @Test
    void computeIsTheMeasuredStepAtEachWorkersBatch() {
        assertThat(p.compute(1)).isEqualTo(16 * 0.08, offset(1e-12));
        assertThat(p.compute(2)).isEqualTo(16 * 0.05, offset(1e-12));
        assertThat(p.compute(16)).isEqualTo(16 * 0.02, offset(1e-12));
    }

    @Test
    void eachWorkerSendsTwiceItsShareOfTheStateOverItsOwnLink() {
        assertThat(p.overhead(1, 10)).isEqualTo(0.02, offset(1e-12));
        // 2 x (1/2) x 5 MB at 10 Gbit/s = 4 ms
        assertThat(p.overhead(2, 10)).isEqualTo(0.054, offset(1e-12));
        // 2 x (15/16) x 5 MB at 1 Gbit/s = 75 ms
        assertThat(p.overhead(16, 1)).isEqualTo(0.125, offset(1e-12));
    }

    @Test
    void speedupCountsTheSamplesOfARound() {
        assertThat(p.speedup(1, 1, 10)).isEqualTo(1.0, offset(1e-12));
        assertThat(p.speedup(2, 1, 10)).isEqualTo(1.30 / 0.854, offset(1e-9));
        // 16 workers of 8: twice the samples of one worker's round
        assertThat(p.speedup(16, 1, 10)).isEqualTo(2 * 1.30 / (0.32 + 0.0575), offset(1e-9));
        assertThat(p.speedup(2, 0.5, 10)).isEqualTo(0.5 * 1.30 / 0.854, offset(1e-9));
    }
}
