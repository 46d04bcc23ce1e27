package io.digitloc.core;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class QuickScoreTest {
    @Test
    void aggregatesAccuracyLossMseAndIouAndMerges() {
        float[] box = {0.1f, 0.1f, 0.5f, 0.5f};
        float[] off = {0.1f, 0.1f, 0.5f, 0.7f}; // IoU 0.16/0.24, squared error 0.04 on one of 4 values
        float[] probs = {0.1f, 0.7f, 0.2f, 0, 0, 0, 0, 0, 0, 0};
        QuickScore a = new QuickScore();
        a.add(1, probs, box, box);
        QuickScore b = new QuickScore();
        b.add(2, probs, box, off);
        QuickScore all = a.merge(b);
        assertThat(all.count()).isEqualTo(2);
        assertThat(all.accuracy()).isEqualTo(0.5);
        assertThat(all.meanIou()).isCloseTo((1 + 0.16 / 0.24) / 2, within(1e-6));
        assertThat(all.boxMse()).isCloseTo(0.04 / 4 / 2, within(1e-7));
        double xent = (-Math.log(0.7) - Math.log(0.2)) / 2;
        assertThat(all.loss(1)).isCloseTo(xent + all.boxMse(), within(1e-6));
        assertThat(all.loss(3)).isCloseTo(xent + 3 * all.boxMse(), within(1e-6));
    }
}
