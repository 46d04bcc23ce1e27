package io.digitloc.rounds;

import io.digitloc.config.BatchSchedule;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.offset;

/** The projection to N executors, phase by phase of the global batch, against answers worked out by hand. */
class AllReduceProjectionTest {
    private final AllReduceProjection p = AllReduceProjection.of(16, Map.of(64, 0.08, 32, 0.05), 0.02, 0.05, 5e6);

    /** Batch 64 from 64 up to N x 64, doubling every epoch of 64,000 samples. */
    private static BatchSchedule schedule(int workers) {
        return new BatchSchedule(64, workers, 64 * workers, 64_000, 64_000, 10, 16);
    }

    @Test
    void computeIsTheMeasuredStepAtTheWorkersBatch() {
        assertThat(p.compute(64)).isEqualTo(16 * 0.08, offset(1e-12));
        assertThat(p.compute(32)).isEqualTo(16 * 0.05, offset(1e-12));
        // not measured: the nearest smaller batch's time per sample
        assertThat(p.compute(128)).isEqualTo(16 * 0.16, offset(1e-12));
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
    void sumsThePhasesTimes() {
        // one executor: 1,024 samples a round of 1.28 + 0.02 s, whatever the epoch
        assertThat(p.seconds(schedule(1), 128_000, 10)).isEqualTo(125 * 1.30, offset(1e-9));
        // two executors: epoch 1 is 2 x 32 (1,024 samples a round of 0.8 + 0.054 s), epoch 2 is 2 x 64
        // (2,048 samples a round of 1.28 + 0.054 s)
        double epoch1 = 62.5 * 0.854;
        double epoch2 = 31.25 * 1.334;
        assertThat(p.seconds(schedule(2), 128_000, 10)).isEqualTo(epoch1 + epoch2, offset(1e-9));
        assertThat(p.speedup(schedule(1), schedule(2), 128_000, 1, 10))
                .isEqualTo(125 * 1.30 / (epoch1 + epoch2), offset(1e-9));
        // half the efficiency: twice the samples, the second 128,000 at 2 x 64 (epochs 3 and 4)
        assertThat(p.speedup(schedule(1), schedule(2), 128_000, 0.5, 10))
                .isEqualTo(125 * 1.30 / (epoch1 + epoch2 + 2 * 31.25 * 1.334), offset(1e-9));
    }
}
