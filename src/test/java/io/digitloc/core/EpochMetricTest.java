package io.digitloc.core;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

class EpochMetricTest {
    static EpochRecord epoch(int n, double loss, double accuracy, double meanIou, double boxMse, double iouShare) {
        return new EpochRecord(n, 0.5, loss, accuracy, meanIou, boxMse, iouShare, 1000, 1, 1, 100);
    }

    @Test
    void eachFigureReadsItsColumnAndKnowsItsDirection() {
        EpochRecord r = epoch(1, 0.25, 0.9, 0.7, 0.002, 0.8);
        assertThat(EpochMetric.parse("accuracy").of(r)).isEqualTo(0.9);
        assertThat(EpochMetric.parse("mean-iou").of(r)).isEqualTo(0.7);
        assertThat(EpochMetric.parse("iou-share").of(r)).isEqualTo(0.8);
        assertThat(EpochMetric.parse("loss").of(r)).isEqualTo(0.25);
        assertThat(EpochMetric.parse("box-mse").of(r)).isEqualTo(0.002);
        assertThat(EpochMetric.parse("accuracy").higherIsBetter()).isTrue();
        assertThat(EpochMetric.parse("loss").higherIsBetter()).isFalse();
        assertThat(EpochMetric.parse("box-mse").higherIsBetter()).isFalse();
    }

    @Test
    void aWeightedSumIsWrittenFreelyAndPrintedCanonically() {
        EpochRecord r = epoch(1, 0.25, 0.9, 0.7, 0.002, 0.8);
        EpochMetric m = EpochMetric.parse(" 0.5 * Accuracy + .5*iou-share ");
        assertThat(m.of(r)).isCloseTo(0.85, within(1e-12));
        assertThat(m).hasToString("0.5*accuracy+0.5*iou-share");
        assertThat(m).isEqualTo(EpochMetric.parse("0.5*accuracy+0.5*iou-share"));
        assertThat(EpochMetric.parse("2*loss+box-mse").of(r)).isCloseTo(0.502, within(1e-12));
        assertThat(EpochMetric.parse("2*loss+box-mse").higherIsBetter()).isFalse();
        assertThat(EpochMetric.parse("accuracy + mean-iou + iou-share").terms()).hasSize(3);
        assertThat(EpochMetric.parse("iou-share").of(epoch(1, 0.25, 0.9, 0.7, 0.002, Double.NaN))).isNaN();
    }

    @Test
    void badExpressionsSayWhatIsWrong() {
        assertThatThrownBy(() -> EpochMetric.parse("")).hasMessageContaining("empty");
        assertThatThrownBy(() -> EpochMetric.parse("precision")).hasMessageContaining("unknown figure 'precision'")
                .hasMessageContaining("accuracy, mean-iou, iou-share, loss, box-mse");
        assertThatThrownBy(() -> EpochMetric.parse("0.5*accuracy+")).hasMessageContaining("is not a figure");
        assertThatThrownBy(() -> EpochMetric.parse("accuracy-loss")).hasMessageContaining("unknown figure 'accuracy-loss'");
        assertThatThrownBy(() -> EpochMetric.parse("0*accuracy")).hasMessageContaining("must be positive");
        assertThatThrownBy(() -> EpochMetric.parse("-1*accuracy")).hasMessageContaining("is not a figure");
        assertThatThrownBy(() -> EpochMetric.parse("accuracy+0.5*accuracy")).hasMessageContaining("appears twice");
        assertThatThrownBy(() -> EpochMetric.parse("accuracy+loss")).hasMessageContaining("higher is better")
                .hasMessageContaining("one kind");
    }
}
