package io.digitloc.rounds;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.data.Offset.offset;

class ScalingProjectionTest {
    @Test
    void knownAnswers() {
        // 16 steps of 0.05 s; 10 ms fixed, 2 ms per worker, 5 MB per worker
        ScalingProjection p = new ScalingProjection(0.05, 16, 0.010, 0.002, 5e6);
        assertThat(p.compute(1)).isEqualTo(0.8, offset(1e-12));
        assertThat(p.compute(8)).isEqualTo(0.1, offset(1e-12));
        // 8 workers x 5 MB = 40 MB = 320 Mbit: 32 ms at 10 Gbit/s, 320 ms at 1 Gbit/s
        assertThat(p.overhead(8, 10)).isEqualTo(0.010 + 0.016 + 0.032, offset(1e-12));
        assertThat(p.overhead(8, 1)).isEqualTo(0.010 + 0.016 + 0.32, offset(1e-12));
        // one: 0.8 + 0.016 s a round; eight: 0.1 + 0.058; at E = 1
        assertThat(p.speedup(8, 1.0, 10)).isEqualTo(0.816 / 0.158, offset(1e-9));
        assertThat(p.speedup(1, 1.0, 10)).isEqualTo(1.0, offset(1e-12));
        assertThat(p.speedup(2, 0.5, 10)).isLessThan(1.0);
    }
}
