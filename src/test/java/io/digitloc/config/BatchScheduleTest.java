package io.digitloc.config;

import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

/** The global batch epoch by epoch, how the workers share it, and the steps and rates that follow. */
class BatchScheduleTest {
    /** conf/best.conf's run on 8 workers: batch 32, 22 epochs of 60,000, doubling every 65,536 samples. */
    private final BatchSchedule eight = new BatchSchedule(32, 8, 256, 65_536, 60_000, 22, 16);

    @Test
    void startsAtTheBatchSizeAndDoublesAtTheEpochThatPassesEachPeriod() {
        assertThat(eight.phase(1)).isEqualTo(new BatchSchedule.Phase(32, 1, 32)); // 0 samples seen
        assertThat(eight.phase(2)).isEqualTo(new BatchSchedule.Phase(32, 1, 32)); // 60,000: not yet 65,536
        assertThat(eight.phase(3)).isEqualTo(new BatchSchedule.Phase(64, 2, 32)); // 120,000: one period
        assertThat(eight.phase(4)).isEqualTo(new BatchSchedule.Phase(128, 4, 32)); // 180,000: two
        assertThat(eight.phase(5)).isEqualTo(new BatchSchedule.Phase(256, 8, 32)); // 240,000: three, the limit
        assertThat(eight.phase(22)).isEqualTo(new BatchSchedule.Phase(256, 8, 32));
    }

    @Test
    void eachWorkerFitsAtLeast32WhereTheGlobalBatchAllowsThenTheBatchSize() {
        var sixteen = new BatchSchedule(64, 16, 1024, 65_536, 60_000, 22, 16);
        assertThat(sixteen.phase(1)).isEqualTo(new BatchSchedule.Phase(64, 2, 32));
        assertThat(sixteen.phase(5)).isEqualTo(new BatchSchedule.Phase(512, 16, 32));
        assertThat(sixteen.phase(6)).isEqualTo(new BatchSchedule.Phase(1024, 16, 64));
        // one worker: batch-size throughout, whatever the period
        var one = new BatchSchedule(64, 1, 64, 65_536, 60_000, 22, 16);
        assertThat(one.phase(20)).isEqualTo(new BatchSchedule.Phase(64, 1, 64));
        // a batch below 32: one worker takes it all
        assertThat(new BatchSchedule(16, 2, 32, 0, 640, 2, 2).phase(1)).isEqualTo(new BatchSchedule.Phase(16, 1, 16));
        // no growth
        assertThat(new BatchSchedule(64, 8, 512, 0, 60_000, 22, 16).phase(22)).isEqualTo(new BatchSchedule.Phase(64, 2, 32));
    }

    @Test
    void theRateFollowsTheSquareRootOfTheGrowthAndTheStepsFollowTheRounds() {
        assertThat(eight.rateFactor(1)).isEqualTo(1.0);
        assertThat(eight.rateFactor(4)).isCloseTo(2.0, within(1e-12));
        assertThat(eight.rateFactor(5)).isCloseTo(Math.sqrt(8), within(1e-12));
        // epoch 1: 1,875 batches of 32 in rounds of 1 x 16: 117 rounds, 1,872 counted steps
        assertThat(eight.countedSteps(1)).isEqualTo(1_872);
        // epoch 5: 1,875 batches in rounds of 8 x 16: 14 rounds, 224 counted
        assertThat(eight.countedSteps(5)).isEqualTo(224);
        StepPlan steps = eight.steps();
        assertThat(steps.epochs()).isEqualTo(22);
        assertThat(steps.first(3)).isEqualTo(2 * 1_872);
        assertThat(steps.factor(steps.first(5))).isCloseTo(Math.sqrt(8), within(1e-12));
        assertThat(eight.describe()).isEqualTo("global batch 32 (1 x 32) from epoch 1, 64 (2 x 32) from epoch 3, "
                + "128 (4 x 32) from epoch 4, 256 (8 x 32) from epoch 5");
    }

    @Test
    void theSettingsMakeTheSchedule() {
        Settings s = Settings.load(null, Map.of("digitloc.train.batch-size", 32, "digitloc.train.epochs", 22));
        assertThat(s.scaleOut().schedule(s.train(), 8, 60_000)).isEqualTo(eight);
        assertThatThrownBy(() -> new BatchSchedule(64, 2, 32, 0, 640, 2, 2)).isInstanceOf(IllegalArgumentException.class);
    }
}
