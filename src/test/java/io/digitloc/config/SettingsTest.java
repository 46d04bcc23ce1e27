package io.digitloc.config;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SettingsTest {
    @TempDir
    Path tmp;

    @Test
    void defaultsComeFromConfPipelineConf() {
        Settings s = Settings.defaults();
        assertThat(s.seed()).isEqualTo(42);
        assertThat(s.data().canvasSize()).isEqualTo(75);
        assertThat(s.data().mnistDir()).isEqualTo("data/mnist");
        assertThat(s.spark().master()).isEqualTo("local[1]");
        assertThat(s.train().batchSize()).isEqualTo(64);
        assertThat(s.train().optimiser().updater()).isEqualTo(OptimiserSettings.Updater.ADAM);
        assertThat(s.train().optimiser().learningRate()).isEqualTo(1e-3);
    }

    @Test
    void userFileThenOverridesWin() throws IOException {
        Path file = tmp.resolve("my.conf");
        Files.writeString(file, "digitloc { seed = 7, data.canvas-size = 100, data.train-shards = 3 }");
        Settings s = Settings.load(file.toFile(), Map.of("digitloc.data.canvas-size", 64));
        assertThat(s.seed()).isEqualTo(7);
        assertThat(s.data().trainShards()).isEqualTo(3);
        assertThat(s.data().canvasSize()).isEqualTo(64);
    }

    @Test
    void impossibleValuesNameTheSetting() {
        assertThatThrownBy(() -> Settings.load(null, Map.of("digitloc.data.canvas-size", 20)))
                .isInstanceOf(SettingsException.class)
                .hasMessageContaining("digitloc.data.canvas-size = 20").hasMessageContaining("28");
        assertThatThrownBy(() -> Settings.load(null, Map.of("digitloc.data.train-shards", 0)))
                .isInstanceOf(SettingsException.class).hasMessageContaining("digitloc.data.train-shards = 0");
        assertThatThrownBy(() -> Settings.load(null, Map.of("digitloc.train.epochs", 0)))
                .isInstanceOf(SettingsException.class).hasMessageContaining("digitloc.train.epochs");
        assertThatThrownBy(() -> Settings.load(null, Map.of("digitloc.train.learning-rate", -1)))
                .isInstanceOf(SettingsException.class).hasMessageContaining("digitloc.train.learning-rate");
        assertThatThrownBy(() -> Settings.load(null, Map.of("digitloc.train.digit-rotation", 90)))
                .isInstanceOf(SettingsException.class).hasMessageContaining("digitloc.train.digit-rotation = 90");
        assertThatThrownBy(() -> Settings.load(null, Map.of("digitloc.train.digit-scale", 0.5)))
                .isInstanceOf(SettingsException.class).hasMessageContaining("digitloc.train.digit-scale");
        assertThatThrownBy(() -> Settings.load(null, Map.of("digitloc.train.classifier-dropout", 1)))
                .isInstanceOf(SettingsException.class).hasMessageContaining("digitloc.train.classifier-dropout");
    }

    @Test
    void anUnknownKeyIsRefusedWithTheNearestKnownOne() throws IOException {
        // --set train.learnig-rate=0.1 used to train with the default rate and exit 0
        assertThatThrownBy(() -> Settings.load(null, Map.of("digitloc.train.learnig-rate", 0.1)))
                .isInstanceOf(SettingsException.class)
                .hasMessageContaining("unknown setting digitloc.train.learnig-rate")
                .hasMessageContaining("did you mean train.learning-rate?");
        // in a config file, nested
        Path file = tmp.resolve("typo.conf");
        Files.writeString(file, "digitloc { train { early-stopping { patiense = 3 } } }");
        assertThatThrownBy(() -> Settings.load(file.toFile(), Map.of()))
                .isInstanceOf(SettingsException.class)
                .hasMessageContaining("digitloc.train.early-stopping.patiense")
                .hasMessageContaining("did you mean train.early-stopping.patience?")
                .hasMessageContaining("typo.conf");
        // far from every key: no guess
        assertThatThrownBy(() -> Settings.load(null, Map.of("digitloc.zzzzzzzzzzzzzzzzzzzzzz", 1)))
                .isInstanceOf(SettingsException.class).hasMessageNotContaining("did you mean");
        // keys outside digitloc are not ours to judge
        assertThat(Settings.load(null, Map.of("other.thing", 1)).seed()).isEqualTo(42);
    }

    @Test
    void wrongTypesAndUnknownChoicesAreExplained() {
        assertThatThrownBy(() -> Settings.load(null, Map.of("digitloc.data.canvas-size", "big")))
                .isInstanceOf(SettingsException.class).hasMessageContaining("digitloc.data.canvas-size has the wrong type");
        assertThatThrownBy(() -> Settings.load(null, Map.of("digitloc.train.updater", "rmsprop")))
                .isInstanceOf(SettingsException.class)
                .hasMessageContaining("digitloc.train.updater = 'rmsprop' must be one of: adam, nesterovs, sgd");
    }

    @Test
    void setValuesKeepPathsAndReadLists() {
        assertThat(io.digitloc.cli.CommonOptionsAccess.hocon("data.dir", "hdfs://nn:8020/data#1"))
                .isEqualTo("hdfs://nn:8020/data#1");
        assertThat(io.digitloc.cli.CommonOptionsAccess.hocon("retrain.promote-metrics", "[accuracy, iou_at_0.6]"))
                .isEqualTo(java.util.List.of("accuracy", "iou_at_0.6"));
        Settings s = Settings.load(null, Map.of("digitloc.data.dir", "hdfs://nn:8020/data",
                "digitloc.retrain.lock-heartbeat", "5s", "digitloc.data.canvas-size", "100"));
        assertThat(s.data().dir()).isEqualTo("hdfs://nn:8020/data");
        assertThat(s.retrain().lockHeartbeat()).hasSeconds(5);
        assertThat(s.data().canvasSize()).isEqualTo(100);
    }

    @Test
    void missingOrBrokenConfigFileIsReported() throws IOException {
        assertThatThrownBy(() -> Settings.load(tmp.resolve("nope.conf").toFile(), Map.of()))
                .isInstanceOf(SettingsException.class).hasMessageContaining("nope.conf does not exist");
        Path broken = tmp.resolve("broken.conf");
        Files.writeString(broken, "digitloc { seed = ");
        assertThatThrownBy(() -> Settings.load(broken.toFile(), Map.of()))
                .isInstanceOf(SettingsException.class).hasMessageContaining("is not valid HOCON");
    }

    @Test
    void scaleOutIsAutomaticPerWorkerCountUnlessSet() {
        ScaleOutSettings auto = Settings.defaults().scaleOut();
        assertThat(auto.resolve(1).isPlainAveraging()).isTrue();
        assertThat(auto.globalBatchLimit(64, 1)).isEqualTo(64);
        assertThat(auto.globalBatchLimit(64, 8)).isEqualTo(512);
        assertThat(auto.globalBatchLimit(64, 64)).isEqualTo(ScaleOutSettings.AUTO_LIMIT_CEILING);
        assertThat(Settings.load(null, Map.of("digitloc.train.scale-out.global-batch-limit", "128")).scaleOut()
                .globalBatchLimit(64, 8)).isEqualTo(128);
        assertThat(Settings.load(null, Map.of("digitloc.train.scale-out.global-batch-limit", "16")).scaleOut()
                .globalBatchLimit(64, 8)).isEqualTo(64); // never below the first epoch's
        assertThatThrownBy(() -> Settings.load(null, Map.of("digitloc.train.scale-out.batch-rule", "per-worker")))
                .isInstanceOf(SettingsException.class).hasMessageContaining("unknown setting");
        assertThatThrownBy(() -> Settings.load(null, Map.of("digitloc.train.scale-out.doubling-samples", "-1")))
                .isInstanceOf(SettingsException.class).hasMessageContaining("digitloc.train.scale-out.doubling-samples");
        ScaleOutSettings set = Settings.load(null, Map.of("digitloc.train.scale-out.outer-lr", "0.7",
                "digitloc.train.scale-out.outer-momentum", "0.9", "digitloc.train.scale-out.nesterov", "false")).scaleOut();
        assertThat(set.resolve(8)).isEqualTo(new ScaleOutSettings.Outer(0.7, 0.9, false));
        assertThat(set.resolve(1)).isEqualTo(new ScaleOutSettings.Outer(0.7, 0.9, false));
        assertThatThrownBy(() -> Settings.load(null, Map.of("digitloc.train.scale-out.outer-momentum", "1")))
                .isInstanceOf(SettingsException.class).hasMessageContaining("digitloc.train.scale-out.outer-momentum = 1");
        assertThatThrownBy(() -> Settings.load(null, Map.of("digitloc.train.scale-out.outer-lr", "fast")))
                .isInstanceOf(SettingsException.class).hasMessageContaining("must be auto or a number");
    }

    @Test
    void pipelineConfAndTheDeclarationsAgreeKeyForKey() throws IOException {
        com.typesafe.config.Config file = com.typesafe.config.ConfigFactory.parseFile(
                Path.of("conf/pipeline.conf").toFile()).getConfig("digitloc");
        Set<String> inFile = new TreeSet<>(file.entrySet().stream().map(Map.Entry::getKey).toList());
        Set<String> declared = new TreeSet<>(Settings.declared().stream().map(Setting::path).toList());
        assertThat(declared).as("declared settings (each once)").hasSameSizeAs(Settings.declared());
        assertThat(inFile).as("keys of conf/pipeline.conf").isEqualTo(declared);
        for (Setting<?> s : Settings.declared()) {
            assertThat(file.getValue(s.path()).origin().comments()).as("the comment above " + s.key()).isNotEmpty();
            assertThat(s.summary()).as(s.key()).isNotBlank().doesNotContain("  ");
        }
        // the jar's copy is the file, so what the jobs read is what the file says
        var concise = com.typesafe.config.ConfigRenderOptions.concise();
        assertThat(Setting.Defaults.file().getConfig("digitloc").root().render(concise))
                .isEqualTo(file.root().render(concise));
    }

    @Test
    void aDeclarationNamesItsSettingInEveryMessage() {
        assertThat(DistributionSettings.AVERAGING_FREQUENCY.key()).isEqualTo("digitloc.train.averaging-frequency");
        assertThat(DistributionSettings.AVERAGING_FREQUENCY.summary())
                .isEqualTo("Mini-batches each worker fits between two parameter averages (the updater state is averaged too).");
        assertThat(DistributionSettings.AVERAGING_FREQUENCY.defaultText()).isEqualTo("16");
        assertThat(EvalSettings.MODEL.defaultText()).isEqualTo("\"\"");
        assertThat(EvalSettings.IOU_THRESHOLDS.defaultText()).isEqualTo("0.5,0.6,0.75");
        assertThatThrownBy(() -> Settings.load(null, Map.of("digitloc.train.averaging-frequency", 0)))
                .isInstanceOf(SettingsException.class)
                .hasMessage("setting digitloc.train.averaging-frequency = 0 is impossible: expected at least 1");
        assertThatThrownBy(() -> Settings.load(null, Map.of("digitloc.score.batch-size", 0)))
                .isInstanceOf(SettingsException.class).hasMessageContaining("digitloc.score.batch-size = 0");
        assertThatThrownBy(() -> Settings.load(null, Map.of("digitloc.data.if-exists", "keep")))
                .isInstanceOf(SettingsException.class)
                .hasMessage("setting digitloc.data.if-exists = 'keep' must be one of: fail, replace");
        assertThat(Settings.defaults().score().batchSize()).isEqualTo(256);
        assertThat(Settings.defaults().benchmark().scalingOut()).isEqualTo("docs/records/scaling.json");
    }
}
