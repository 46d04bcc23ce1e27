package io.digitloc.config;

import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

class LrScalingTest {

    @Test
    void theRuleScalesByTheGlobalBatchAndRampsFromTheConfiguredRateAfterTheWarmUp() {
        // 4 workers of 64 against batch-size 64: k = 4; 1,280 samples of warm-up = 5 iterations of 256,
        // then a ramp of 2,560 samples = 10 iterations
        LrScaling linear = LrScaling.of(ScaleOutSettings.LrRule.LINEAR, 256, 64, 1_280, 2_560);
        assertThat(linear.factor()).isEqualTo(4.0);
        assertThat(linear.startIteration()).isEqualTo(5);
        assertThat(linear.rampIterations()).isEqualTo(10);
        assertThat(linear.multiplier(0)).isEqualTo(1.0);
        assertThat(linear.multiplier(5)).isEqualTo(1.0);
        assertThat(linear.multiplier(10)).isCloseTo(2.5, within(1e-12));
        assertThat(linear.multiplier(15)).isEqualTo(4.0);
        assertThat(linear.multiplier(1_000)).isEqualTo(4.0);
        assertThat(LrScaling.of(ScaleOutSettings.LrRule.SQRT, 256, 64, 0, 2_560).factor()).isEqualTo(2.0);
        assertThat(LrScaling.of(ScaleOutSettings.LrRule.SQRT, 256, 64, 0, 0).multiplier(0)).isEqualTo(2.0);
        assertThat(LrScaling.of(ScaleOutSettings.LrRule.NONE, 256, 64, 0, 2_560)).isEqualTo(LrScaling.NONE);
        assertThat(linear.describe()).isEqualTo("x 4.00, ramped over iterations 5-15");
        assertThat(LrScaling.NONE.describe()).isEqualTo("as configured");
    }

    @Test
    void noScalingWhileTheGlobalBatchIsTheBatchSize() {
        Settings shared = Settings.load(null, Map.of("digitloc.train.scale-out.lr-scaling", "linear"));
        int batch = shared.scaleOut().workerBatch(64, 4);
        assertThat(batch).isEqualTo(16);
        assertThat(shared.scaleOut().warmupWorkers(4)).isEqualTo(1);
        assertThat(LrScaling.of(shared.scaleOut(), 64, 4, batch, 60_000).isNone()).isTrue();
        assertThat(LrScaling.of(shared.scaleOut(), 64, 1, 64, 60_000).isNone()).isTrue();
    }

    @Test
    void aBatchPerWorkerGrowsTheGlobalBatchWithoutAWarmUpUnlessOneIsAskedFor() {
        Settings perWorker = Settings.load(null, Map.of("digitloc.train.scale-out.batch-rule", "per-worker"));
        assertThat(perWorker.scaleOut().warmup(4)).isZero();
        assertThat(LrScaling.of(perWorker.scaleOut(), 64, 4, 64, 60_000).startIteration()).isZero();
        perWorker = perWorker.with(Map.of("digitloc.train.scale-out.warmup-samples", 24_576));
        ScaleOutSettings s = perWorker.scaleOut();
        assertThat(s.workerBatch(64, 4)).isEqualTo(64);
        // past the global limit (auto: 4 x 64) the limit is shared out, at least 8 each
        assertThat(s.workerBatch(64, 8)).isEqualTo(32);
        assertThat(s.workerBatch(64, 64)).isEqualTo(8);
        assertThat(perWorker.with(Map.of("digitloc.train.scale-out.global-batch-limit", 1024)).scaleOut()
                .workerBatch(64, 8)).isEqualTo(64);
        assertThat(s.warmup(4)).isEqualTo(24_576);
        assertThat(s.warmupWorkers(4)).isEqualTo(4); // all four, 16 each
        assertThat(ScaleOutSettings.sharedBatch(64, 4)).isEqualTo(16);
        LrScaling scaling = LrScaling.of(s, 64, 4, 64, 60_000); // the default rule
        assertThat(scaling.factor()).isEqualTo(perWorker.scaleOut().lrRule() == ScaleOutSettings.LrRule.LINEAR ? 4.0 : 2.0);
        assertThat(scaling.startIteration()).isEqualTo(24_576 / 256);
        assertThat(scaling.rampIterations()).isEqualTo(ScaleOutSettings.AUTO_LR_RAMP_SAMPLES / 256);
        Settings none = perWorker.with(Map.of("digitloc.train.scale-out.warmup-samples", 0));
        assertThat(none.scaleOut().warmup(4)).isZero();
        assertThat(LrScaling.of(none.scaleOut(), 64, 4, 64, 60_000).startIteration()).isZero();
        // an epoch smaller than the warm-up: the warm-up is the first epoch, the ramp starts after it
        assertThat(LrScaling.of(s, 64, 4, 64, 12_000).startIteration()).isEqualTo(12_000 / 256);
    }

    @Test
    void unknownRulesAreRefusedNamingTheSetting() {
        assertThatThrownBy(() -> Settings.load(null, Map.of("digitloc.train.scale-out.batch-rule", "each")))
                .hasMessageContaining("digitloc.train.scale-out.batch-rule").hasMessageContaining("per-worker");
        assertThatThrownBy(() -> Settings.load(null, Map.of("digitloc.train.scale-out.lr-scaling", "cubic")))
                .hasMessageContaining("digitloc.train.scale-out.lr-scaling").hasMessageContaining("sqrt");
        assertThatThrownBy(() -> Settings.load(null, Map.of("digitloc.train.local-moments", true,
                "digitloc.train.overlap", true))).hasMessageContaining("digitloc.train.local-moments");
        // the per-round engine is gone: its setting is an unknown one, not silently ignored
        assertThatThrownBy(() -> Settings.load(null, Map.of("digitloc.train.engine", "rounds")))
                .hasMessageContaining("unknown setting digitloc.train.engine");
        assertThatThrownBy(() -> new LrScaling(0, 0, 1)).isInstanceOf(IllegalArgumentException.class);
    }
}
