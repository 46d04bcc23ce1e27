package io.digitloc.registry;

import io.digitloc.core.Metrics;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class PromotionTest {
    static Metrics metrics(double accuracy, double meanIou, double boxMse, double iou06) {
        return new Metrics(100, accuracy, boxMse, meanIou, Map.of("0.6", new Metrics.Threshold((long) (iou06 * 100), iou06)),
                Map.of(), new long[10][10], new Metrics.Histogram(new double[] {0, 1}, new long[] {100}));
    }

    static final List<String> RULE = List.of("accuracy", "iou_at_0.6");

    @Test
    void noChampionPromotes() {
        assertThat(Promotion.decide(metrics(0.5, 0.5, 0.01, 0.5), null, RULE, 0).promote()).isTrue();
    }

    @Test
    void aTiePromotesAndAWorseFigureDoesNot() {
        Metrics champion = metrics(0.95, 0.7, 0.002, 0.80);
        assertThat(Promotion.decide(metrics(0.95, 0.7, 0.002, 0.80), champion, RULE, 0).promote()).isTrue();
        Promotion.Decision worse = Promotion.decide(metrics(0.96, 0.7, 0.002, 0.79), champion, RULE, 0);
        assertThat(worse.promote()).isFalse();
        assertThat(worse.reason()).contains("iou_at_0.6 0.79000 vs champion 0.80000");
    }

    @Test
    void theMarginAllowsSmallDrops() {
        Metrics champion = metrics(0.95, 0.7, 0.002, 0.80);
        assertThat(Promotion.decide(metrics(0.945, 0.7, 0.002, 0.80), champion, RULE, 0.01).promote()).isTrue();
        assertThat(Promotion.decide(metrics(0.935, 0.7, 0.002, 0.80), champion, RULE, 0.01).promote()).isFalse();
    }

    @Test
    void boxMseIsBetterWhenLower() {
        Metrics champion = metrics(0.9, 0.7, 0.002, 0.8);
        assertThat(Promotion.decide(metrics(0.9, 0.7, 0.001, 0.8), champion, List.of("box_mse"), 0).promote()).isTrue();
        assertThat(Promotion.decide(metrics(0.9, 0.7, 0.003, 0.8), champion, List.of("box_mse"), 0).promote()).isFalse();
    }

    @Test
    void aThresholdTheEvaluationDidNotReportIsExplained() {
        Metrics m = metrics(0.9, 0.7, 0.002, 0.8);
        assertThatThrownBy(() -> Promotion.decide(m, m, List.of("iou_at_0.9"), 0))
                .hasMessageContaining("iou_at_0.9").hasMessageContaining("iou-thresholds");
    }
}
