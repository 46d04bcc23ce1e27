package io.digitloc.spark;

import io.digitloc.config.Settings;
import io.digitloc.config.SettingsException;
import io.digitloc.io.DriverPaths;
import io.digitloc.io.HadoopConf;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Relative paths reach a cluster's tasks qualified, and a path they cannot reach stops the run before Spark starts. */
class ClusterPathsTest {
    private static final String CWD = Path.of("").toAbsolutePath().toString();

    @AfterEach
    void clearSubmitProperties() {
        System.clearProperty("spark.master");
        System.clearProperty("spark.submit.deployMode");
    }

    private static Settings load(Map<String, ?> overrides) {
        return Settings.load(null, overrides);
    }

    @Test
    void aPathIsQualifiedAgainstItsFilesystemAndTheWorkingDirectory() {
        HadoopConf local = HadoopConf.local();
        assertThat(DriverPaths.qualify("data/mnist", local)).isEqualTo("file:" + CWD + "/data/mnist");
        assertThat(DriverPaths.qualify("/tmp/x", local)).isEqualTo("file:/tmp/x");
        assertThat(DriverPaths.qualify("hdfs://nn:8020/user/a/x", local)).isEqualTo("hdfs://nn:8020/user/a/x");
        assertThat(DriverPaths.onLocalDisk("file:/tmp/x")).isTrue();
        assertThat(DriverPaths.onLocalDisk("hdfs://nn:8020/x")).isFalse();
    }

    @Test
    void localModeKeepsThePathsAsGiven() {
        Settings s = load(Map.of("digitloc.data.dir", "data/quick"));
        assertThat(ClusterPaths.qualify(s)).isSameAs(s);
    }

    @Test
    void aStandaloneClusterGetsEveryRelativePathMadeAbsolute() {
        System.setProperty("spark.master", "spark://127.0.0.1:7077");
        Settings s = ClusterPaths.qualify(load(Map.of("digitloc.data.dir", "data/quick",
                "digitloc.train.model-dir", "runs/a", "digitloc.eval.out", "out/eval")));
        assertThat(s.data().dir()).isEqualTo("file:" + CWD + "/data/quick");
        assertThat(s.data().mnistDir()).isEqualTo("file:" + CWD + "/data/mnist"); // the default, relative too
        assertThat(s.train().modelDir()).isEqualTo("file:" + CWD + "/runs/a");
        assertThat(s.eval().out()).isEqualTo("file:" + CWD + "/out/eval");
        assertThat(s.eval().model()).isEmpty(); // "" is a default the code derives, not a path
        assertThat(s.rendered()).contains("file:" + CWD + "/data/quick"); // what metadata records
        assertThat(ClusterPaths.qualify(s).data().dir()).isEqualTo(s.data().dir());
    }

    @Test
    void yarnRefusesALocalPathItsContainersWouldOpen() {
        System.setProperty("spark.master", "yarn");
        assertThatThrownBy(() -> ClusterPaths.qualify(load(Map.of("digitloc.data.mnist-dir",
                "hdfs://nn:8020/mnist", "digitloc.data.dir", "data/quick"))))
                .isInstanceOf(SettingsException.class)
                .hasMessageContaining("digitloc.data.dir = 'data/quick' is on this machine's disk (file:" + CWD)
                .hasMessageContaining("YARN's containers cannot read");
        // a report the driver writes may stay on the client's disk; the executors' paths on HDFS pass
        Settings s = ClusterPaths.qualify(load(Map.of("digitloc.data.mnist-dir", "hdfs://nn:8020/mnist",
                "digitloc.data.dir", "hdfs://nn:8020/d", "digitloc.train.model-dir", "hdfs://nn:8020/m",
                "digitloc.retrain.registry", "hdfs://nn:8020/r", "digitloc.eval.out", "eval")));
        assertThat(s.eval().out()).isEqualTo("file:" + CWD + "/eval");
        assertThat(s.data().dir()).isEqualTo("hdfs://nn:8020/d");
        // unless the driver runs in a container too
        System.setProperty("spark.submit.deployMode", "cluster");
        assertThatThrownBy(() -> ClusterPaths.qualify(load(Map.of("digitloc.data.mnist-dir", "hdfs://nn:8020/mnist",
                "digitloc.data.dir", "hdfs://nn:8020/d", "digitloc.train.model-dir", "hdfs://nn:8020/m",
                "digitloc.retrain.registry", "hdfs://nn:8020/r", "digitloc.eval.out", "eval"))))
                .isInstanceOf(SettingsException.class).hasMessageContaining("digitloc.eval.out = 'eval'");
    }

    @Test
    void aPathCarryingCredentialsIsRefusedWithoutThem() {
        assertThatThrownBy(() -> ClusterPaths.requireReachable("digitloc.data.dir", "s3a://AKIDEXAMPLE:s3cr3t@bucket/data"))
                .isInstanceOf(SettingsException.class)
                .hasMessageContaining("digitloc.data.dir = s3a://bucket/data").hasMessageContaining("fs.s3a.access.key")
                .hasMessageNotContaining("s3cr3t").hasMessageNotContaining("AKIDEXAMPLE");
    }

    @Test
    void localPathsAreNotProbed() {
        ClusterPaths.requireReachable("digitloc.data.dir", "/nowhere/at/all");
        ClusterPaths.requireReachable("digitloc.data.dir", "relative/path");
    }
}
