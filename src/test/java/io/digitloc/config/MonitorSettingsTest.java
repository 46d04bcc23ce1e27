package io.digitloc.config;

import io.digitloc.core.EarlyStopping;
import io.digitloc.core.EpochMetric;
import io.digitloc.core.EpochRecord;
import org.junit.jupiter.api.Test;

import java.io.File;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class MonitorSettingsTest {

    @Test
    void defaultsWriteEventsUnderTheRunAndNeverStopEarly() {
        MonitorSettings m = Settings.defaults().train().monitor();
        assertThat(m.tensorboard()).isTrue();
        assertThat(m.tensorboardDir()).isEmpty();
        assertThat(m.earlyStopping().enabled()).isFalse();
        assertThat(m.earlyStopping().mode()).isEqualTo(EarlyStoppingSettings.Mode.AUTO);
        assertThat(m.earlyStopping().policy().metric()).isEqualTo(EpochMetric.parse("0.5*accuracy+0.5*mean-iou"));
        assertThat(Settings.load(new File("conf/quick.conf"), Map.of()).train().monitor().earlyStopping().enabled()).isFalse();
    }

    @Test
    void everyKeyIsRead() {
        EarlyStoppingSettings e = Settings.load(null, Map.of("digitloc.train.early-stopping.metric", "loss",
                "digitloc.train.early-stopping.mode", "min", "digitloc.train.early-stopping.patience", 3,
                "digitloc.train.early-stopping.min-delta", 0.01, "digitloc.train.tensorboard", false,
                "digitloc.train.tensorboard-dir", " s3a://bucket/tb ")).train().monitor().earlyStopping();
        assertThat(e).isEqualTo(new EarlyStoppingSettings("loss", EarlyStoppingSettings.Mode.MIN, 3, 0.01));
        MonitorSettings m = Settings.load(null, Map.of("digitloc.train.tensorboard", false,
                "digitloc.train.tensorboard-dir", " s3a://bucket/tb ")).train().monitor();
        assertThat(m.tensorboard()).isFalse();
        assertThat(m.tensorboardDir()).isEqualTo("s3a://bucket/tb");
    }

    @Test
    void impossibleValuesNameTheSetting() {
        assertThatThrownBy(() -> Settings.load(null, Map.of("digitloc.train.early-stopping.metric", "0.5*accuracy+precision")))
                .isInstanceOf(SettingsException.class)
                .hasMessageContaining("digitloc.train.early-stopping.metric = '0.5*accuracy+precision'")
                .hasMessageContaining("unknown figure 'precision'");
        assertThatThrownBy(() -> Settings.load(null, Map.of("digitloc.train.early-stopping.metric", "accuracy+loss")))
                .isInstanceOf(SettingsException.class).hasMessageContaining("one kind");
        assertThatThrownBy(() -> Settings.load(null, Map.of("digitloc.train.early-stopping.metric", "loss",
                "digitloc.train.early-stopping.mode", "max")))
                .isInstanceOf(SettingsException.class)
                .hasMessageContaining("digitloc.train.early-stopping.mode = max").hasMessageContaining("better when lower");
        assertThatThrownBy(() -> Settings.load(null, Map.of("digitloc.train.early-stopping.mode", "up")))
                .isInstanceOf(SettingsException.class).hasMessageContaining("must be one of: auto, max, min");
        assertThatThrownBy(() -> Settings.load(null, Map.of("digitloc.train.early-stopping.patience", -1)))
                .isInstanceOf(SettingsException.class).hasMessageContaining("digitloc.train.early-stopping.patience = -1");
        assertThatThrownBy(() -> Settings.load(null, Map.of("digitloc.train.early-stopping.min-delta", -0.5)))
                .isInstanceOf(SettingsException.class).hasMessageContaining("digitloc.train.early-stopping.min-delta = -0.5");
        assertThatThrownBy(() -> Settings.load(null, Map.of("digitloc.train.tensorboard", "maybe")))
                .isInstanceOf(SettingsException.class).hasMessageContaining("digitloc.train.tensorboard");
    }

    /** The 40-epoch full-size run of docs/results.md ("Learning curves"): validation accuracy (%) and mean IoU. */
    private static final double[] ACCURACY = {92.65, 94.75, 96.65, 96.40, 96.50, 97.60, 97.55, 98.00, 98.55, 98.15,
            98.55, 98.50, 98.70, 98.55, 98.45, 98.85, 98.50, 98.95, 98.95, 98.90, 99.05, 98.90, 98.55, 98.90, 98.85,
            98.85, 98.95, 98.90, 98.85, 98.85, 98.85, 99.00, 98.85, 98.90, 98.90, 98.90, 98.90, 98.95, 98.90, 98.95};
    private static final double[] MEAN_IOU = {0.642, 0.710, 0.680, 0.736, 0.747, 0.750, 0.741, 0.774, 0.771, 0.780,
            0.785, 0.770, 0.759, 0.759, 0.779, 0.789, 0.769, 0.774, 0.785, 0.799, 0.778, 0.812, 0.794, 0.812, 0.822,
            0.822, 0.839, 0.844, 0.832, 0.846, 0.858, 0.866, 0.870, 0.865, 0.869, 0.873, 0.876, 0.877, 0.880, 0.883};

    private static List<EpochRecord> documentedFullRun() {
        List<EpochRecord> h = new ArrayList<>();
        for (int i = 0; i < ACCURACY.length; i++) {
            h.add(new EpochRecord(i + 1, 0.1, 0.05, ACCURACY[i] / 100, MEAN_IOU[i], 1e-3, 60_000, 100, 110, 600));
        }
        return h;
    }

    @Test
    void fullConfsPolicyLetsTheDocumentedRunFinishAndKeepsItsLastEpoch() {
        EarlyStoppingSettings full = Settings.load(new File("conf/full.conf"), Map.of()).train().monitor().earlyStopping();
        assertThat(full.enabled()).isTrue();
        EarlyStopping policy = full.policy();
        int longestWait = 0;
        for (EpochRecord r : documentedFullRun()) {
            EarlyStopping.Verdict v = policy.observe(r);
            assertThat(v.stop()).as(v.reason()).isFalse();
            longestWait = Math.max(longestWait, v.sinceBest());
        }
        assertThat(policy.bestEpoch()).isEqualTo(40);
        assertThat(longestWait).as("epochs 12-15 without improvement; patience is twice that").isEqualTo(4);
        // accuracy alone would have stopped it at epoch 26, before the boxes' late gains (full.conf's comment)
        EarlyStopping accuracyOnly = new EarlyStopping(EpochMetric.parse("accuracy"), 5, 0);
        int stop = 0;
        for (EpochRecord r : documentedFullRun()) {
            if (accuracyOnly.observe(r).stop()) {
                stop = r.epoch();
                break;
            }
        }
        assertThat(stop).isEqualTo(26);
    }
}
