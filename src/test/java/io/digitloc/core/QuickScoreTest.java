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

    @Test
    void aPredictionAddsWhatItsPartsAdd() {
        float[] truth = {0.2f, 0.2f, 0.6f, 0.6f};
        float[] guess = {0.25f, 0.2f, 0.6f, 0.65f};
        float[] probs = {0.05f, 0.05f, 0.05f, 0.6f, 0.05f, 0.05f, 0.05f, 0.05f, 0.04f, 0.01f};
        QuickScore parts = new QuickScore();
        parts.add(3, probs, truth, guess);
        QuickScore whole = new QuickScore();
        Prediction p = Prediction.of(9, 3, Located.of(probs, guess), truth);
        whole.add(p);
        assertThat(whole.accuracy()).isEqualTo(parts.accuracy()).isEqualTo(1.0);
        assertThat(whole.boxMse()).isEqualTo(parts.boxMse()).isEqualTo(p.boxSquaredError());
        assertThat(whole.meanIou()).isEqualTo(parts.meanIou()).isEqualTo(p.iou());
        assertThat(whole.loss(2)).isEqualTo(parts.loss(2));
    }
}
