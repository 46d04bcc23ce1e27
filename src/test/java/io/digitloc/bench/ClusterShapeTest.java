package io.digitloc.bench;

import io.digitloc.config.SettingsException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ClusterShapeTest {
    @TempDir
    Path dir;

    @Test
    void readsTheShapeTheScriptWrites() throws Exception {
        Path f = Files.writeString(dir.resolve("shape"), "workers 4\ncpu_quota 0.45\ncpu_period_us 10000\nlink 10gbit\n");
        ClusterShape shape = ClusterShape.read(f);
        assertThat(shape).isEqualTo(new ClusterShape(4, 0.45, 10_000, "10gbit"));
        assertThat(shape.toJson()).containsEntry("executors", 4).containsEntry("cpu_quota_cores", 0.45)
                .containsEntry("cpu_period_us", 10_000L).containsEntry("link", "10gbit");
        Path older = Files.writeString(dir.resolve("older"), "workers 2\ncpu_quota 0.4\nlink 1gbit\n");
        assertThat(ClusterShape.read(older).cpuPeriodMicros()).as("the kernel's default period").isEqualTo(100_000);
    }

    @Test
    void refusesAnUnknownKeyAMissingOneAndABadNumber() throws Exception {
        Path unknown = Files.writeString(dir.resolve("a"), "workers 4\ncpu_quta 0.45\nlink 10gbit\n");
        assertThatThrownBy(() -> ClusterShape.read(unknown)).isInstanceOf(SettingsException.class)
                .hasMessageContaining("cpu_quta");
        Path missing = Files.writeString(dir.resolve("b"), "workers 4\nlink 10gbit\n");
        assertThatThrownBy(() -> ClusterShape.read(missing)).isInstanceOf(SettingsException.class)
                .hasMessageContaining("needs");
        Path bad = Files.writeString(dir.resolve("c"), "workers four\ncpu_quota 0.45\nlink 10gbit\n");
        assertThatThrownBy(() -> ClusterShape.read(bad)).isInstanceOf(SettingsException.class)
                .hasMessageContaining("four");
        assertThatThrownBy(() -> ClusterShape.read(dir.resolve("none"))).isInstanceOf(SettingsException.class)
                .hasMessageContaining("cannot read");
    }
}
