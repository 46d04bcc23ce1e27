package io.digitloc.registry;

import io.digitloc.io.HadoopConf;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

class ModelRegistryTest {
    @TempDir
    Path tmp;

    @Test
    void pruneKeepsTheNewestRunsAndAlwaysTheChampion() throws Exception {
        for (String id : new String[] {"20260101-000000-a", "20260102-000000-b", "20260103-000000-c",
                "20260104-000000-d", ".20260105-000000-e.inprogress"}) {
            Files.createDirectories(tmp.resolve("runs").resolve(id));
        }
        ModelRegistry r = new ModelRegistry(tmp.toString(), HadoopConf.local());
        assertThat(r.finishedRuns()).containsExactly("20260101-000000-a", "20260102-000000-b", "20260103-000000-c",
                "20260104-000000-d");
        assertThat(r.interruptedRun()).contains("20260105-000000-e");
        r.promote("20260101-000000-a", "first");
        assertThat(r.champion().orElseThrow().run()).isEqualTo("20260101-000000-a");

        assertThat(r.prune(2)).containsExactly("20260102-000000-b");
        assertThat(r.finishedRuns()).containsExactly("20260101-000000-a", "20260103-000000-c", "20260104-000000-d");
        assertThat(tmp.resolve("runs/.20260105-000000-e.inprogress")).exists();
    }

    @Test
    void championPointerIsReplacedNotRewrittenInPlace() throws Exception {
        ModelRegistry r = new ModelRegistry(tmp.toString(), HadoopConf.local());
        assertThat(r.champion()).isEmpty();
        assertThat(r.championMetrics()).isNull();
        r.promote("x", "one");
        r.promote("y", "two");
        assertThat(r.champion().orElseThrow().run()).isEqualTo("y");
        try (var files = Files.list(tmp)) {
            // no temporaries left (Hadoop's local filesystem keeps a .crc checksum beside each file)
            assertThat(files.map(p -> p.getFileName().toString()).filter(n -> !n.endsWith(".crc")))
                    .containsExactly("champion.json");
        }
        assertThat(ModelRegistry.newRunId()).matches("\\d{8}-\\d{6}-[0-9a-f]{6}");
    }
}
