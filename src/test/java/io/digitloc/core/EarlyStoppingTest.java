package io.digitloc.core;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Deterministic sequences of validation figures; no training. */
class EarlyStoppingTest {

    static List<EpochRecord> accuracies(double... values) {
        List<EpochRecord> h = new ArrayList<>();
        for (int i = 0; i < values.length; i++) {
            h.add(EpochMetricTest.epoch(i + 1, 1.0, values[i], 0.5, 0.01, 0.5));
        }
        return h;
    }

    static List<EpochRecord> losses(double... values) {
        List<EpochRecord> h = new ArrayList<>();
        for (int i = 0; i < values.length; i++) {
            h.add(EpochMetricTest.epoch(i + 1, values[i], 0.5, 0.5, 0.01, 0.5));
        }
        return h;
    }

    /** The epoch after which the policy says stop, or 0 when it never does. */
    static int stopsAfter(EarlyStopping policy, List<EpochRecord> h) {
        for (EpochRecord r : h) {
            if (policy.observe(r).stop()) {
                return r.epoch();
            }
        }
        return 0;
    }

    @Test
    void aPlateauStopsTheRunAfterPatienceEpochs() {
        EarlyStopping p = new EarlyStopping(EpochMetric.parse("accuracy"), 3, 0);
        List<EpochRecord> h = accuracies(0.90, 0.95, 0.97, 0.96, 0.97, 0.965, 0.99);
        assertThat(stopsAfter(p, h)).isEqualTo(6);
        assertThat(p.bestEpoch()).isEqualTo(3);
        assertThat(p.bestValue()).isEqualTo(0.97);
        EarlyStopping.Verdict v = p.last().orElseThrow();
        assertThat(v.sinceBest()).isEqualTo(3);
        assertThat(v.reason()).isEqualTo("stop after epoch 6: accuracy has not improved on 0.97 (epoch 3) by more "
                + "than 0 for 3 epochs (patience 3)");
        assertThat(p.outcome(10)).isEqualTo("stopped early after epoch 6 of 10: no improvement by more than 0 "
                + "for 3 epochs (patience 3); best epoch 3 (accuracy = 0.97)");
    }

    @Test
    void anEqualValueIsNoImprovementAndTheFirstBestIsKept() {
        EarlyStopping p = new EarlyStopping(EpochMetric.parse("accuracy"), 2, 0);
        assertThat(stopsAfter(p, accuracies(0.9, 0.9, 0.9))).isEqualTo(3);
        assertThat(p.bestEpoch()).isEqualTo(1);
    }

    @Test
    void anImprovementWithinMinDeltaDoesNotCount() {
        EarlyStopping p = new EarlyStopping(EpochMetric.parse("accuracy"), 2, 0.01);
        List<EpochRecord> h = accuracies(0.90, 0.905, 0.909, 0.95);
        assertThat(p.observe(h.get(0)).improved()).isTrue();
        EarlyStopping.Verdict second = p.observe(h.get(1));
        assertThat(second.improved()).isFalse();
        assertThat(second.stop()).isFalse();
        assertThat(second.reason()).isEqualTo("epoch 2: accuracy = 0.905, no improvement on 0.9 (epoch 1) by "
                + "more than 0.01; 1 of 2 epochs of patience used");
        // 0.909 beats 0.905 but not the best (0.90) by more than 0.01: the best is what improvements are measured from
        assertThat(p.observe(h.get(2)).stop()).isTrue();
        assertThat(p.bestEpoch()).isEqualTo(1);
        // the same epochs with a smaller min-delta go on
        EarlyStopping q = new EarlyStopping(EpochMetric.parse("accuracy"), 2, 0.004);
        assertThat(stopsAfter(q, h)).isZero();
        assertThat(q.bestEpoch()).isEqualTo(4);
    }

    @Test
    void lowerIsBetterForTheLoss() {
        EarlyStopping p = new EarlyStopping(EpochMetric.parse("loss"), 2, 0.001);
        List<EpochRecord> h = losses(0.30, 0.20, 0.1995, 0.25, 0.10);
        assertThat(stopsAfter(p, h)).isEqualTo(4);
        assertThat(p.bestEpoch()).isEqualTo(2);
        assertThat(p.bestValue()).isEqualTo(0.20);
        // the max-mode reading of the same numbers would call epoch 1 the best
        EarlyStopping wrongWay = new EarlyStopping(EpochMetric.parse("accuracy"), 2, 0.001);
        assertThat(stopsAfter(wrongWay, accuracies(0.30, 0.20, 0.1995, 0.25, 0.10))).isEqualTo(3);
        assertThat(wrongWay.bestEpoch()).isEqualTo(1);
    }

    @Test
    void aWeightedMetricWeighsBothFigures() {
        // accuracy peaks at epoch 2, the IoU share keeps rising: the sum keeps improving until epoch 4
        double[] accuracy = {0.90, 0.96, 0.95, 0.95, 0.94};
        double[] share = {0.60, 0.70, 0.75, 0.80, 0.80};
        List<EpochRecord> h = new ArrayList<>();
        for (int i = 0; i < accuracy.length; i++) {
            h.add(EpochMetricTest.epoch(i + 1, 0.1, accuracy[i], 0.6, 0.01, share[i]));
        }
        EarlyStopping accuracyOnly = new EarlyStopping(EpochMetric.parse("accuracy"), 2, 0);
        assertThat(stopsAfter(accuracyOnly, h)).isEqualTo(4);
        assertThat(accuracyOnly.bestEpoch()).isEqualTo(2);
        EarlyStopping both = new EarlyStopping(EpochMetric.parse("0.5*accuracy+0.5*iou-share"), 2, 0);
        assertThat(stopsAfter(both, h)).isZero();
        assertThat(both.bestEpoch()).isEqualTo(4);
        assertThat(both.bestValue()).isEqualTo(0.5 * 0.95 + 0.5 * 0.80);
        assertThat(both.outcome(5)).isEqualTo("trained 5 of 5 epochs; best epoch 4 (0.5*accuracy+0.5*iou-share = 0.875)");
    }

    @Test
    void replayingTheHistoryAfterAResumeGivesTheSameState() {
        List<EpochRecord> h = accuracies(0.90, 0.95, 0.94, 0.945, 0.93, 0.96);
        EarlyStopping straight = new EarlyStopping(EpochMetric.parse("accuracy"), 4, 0);
        List<Boolean> stops = new ArrayList<>();
        h.forEach(r -> stops.add(straight.observe(r).stop()));
        // killed after epoch 3, resumed: the new process replays history.json, then goes on
        EarlyStopping resumed = new EarlyStopping(EpochMetric.parse("accuracy"), 4, 0).replay(h.subList(0, 3));
        assertThat(resumed.bestEpoch()).isEqualTo(2);
        assertThat(resumed.last().orElseThrow().sinceBest()).isEqualTo(1);
        assertThat(resumed.observe(h.get(3)).stop()).isEqualTo(stops.get(3));
        assertThat(resumed.observe(h.get(4)).stop()).isEqualTo(stops.get(4)).isFalse();
        assertThat(resumed.observe(h.get(5)).reason()).isEqualTo(straight.last().orElseThrow().reason());
        assertThat(resumed.bestEpoch()).isEqualTo(6);
        // a run killed after it decided to stop (before publishing) finds the decision again
        EarlyStopping decided = new EarlyStopping(EpochMetric.parse("accuracy"), 2, 0).replay(h.subList(0, 4));
        assertThat(decided.shouldStop()).isTrue();
        assertThat(decided.bestEpoch()).isEqualTo(2);
    }

    @Test
    void patienceZeroNeverStopsButTracksTheBest() {
        EarlyStopping off = new EarlyStopping(EpochMetric.parse("accuracy"), 0, 0);
        assertThat(off.enabled()).isFalse();
        assertThat(stopsAfter(off, accuracies(0.9, 0.8, 0.7, 0.6, 0.5))).isZero();
        assertThat(off.bestEpoch()).isEqualTo(1);
        assertThat(off.last().orElseThrow().reason()).endsWith("; 4 epochs since the best");
    }

    @Test
    void unrecordedFiguresNeverImproveAndEpochsComeInOrder() {
        EarlyStopping p = new EarlyStopping(EpochMetric.parse("iou-share"), 2, 0);
        EpochRecord old = new EpochRecord(1, 0.5, 0.4, 0.9, 0.7, 0.01, 1000, 1, 1, 100); // no IoU share: NaN
        EarlyStopping.Verdict v = p.observe(old);
        assertThat(v.improved()).isFalse();
        assertThat(v.bestEpoch()).isZero();
        assertThat(v.reason()).startsWith("epoch 1: iou-share is not a number");
        assertThat(p.observe(EpochMetricTest.epoch(2, 0.4, 0.9, 0.7, 0.01, 0.8)).improved()).isTrue();
        assertThatThrownBy(() -> p.observe(EpochMetricTest.epoch(2, 0.4, 0.9, 0.7, 0.01, 0.8)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("in order");
        assertThatThrownBy(() -> new EarlyStopping(EpochMetric.parse("loss"), -1, 0)).hasMessageContaining("patience");
        assertThatThrownBy(() -> new EarlyStopping(EpochMetric.parse("loss"), 1, -0.1)).hasMessageContaining("min-delta");
    }
}
