package io.digitloc.run;

import io.digitloc.core.EpochRecord;
import io.digitloc.io.HadoopConf;
import io.digitloc.io.Json;
import org.apache.hadoop.fs.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.nio.file.Files;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class TrainingHistoryTest {
    private static final HadoopConf CONF = HadoopConf.local();

    @TempDir
    java.nio.file.Path tmp;

    @Test
    void theIouShareIsSavedAndReadBack() throws Exception {
        TrainingHistory h = new TrainingHistory();
        h.add(new EpochRecord(1, 0.9, 0.8, 0.7, 0.6, 0.003, 0.55, 12_000, 10, 11, 1200));
        h.add(new EpochRecord(2, 0.5, 0.4, 0.9, 0.7, 0.002, 12_000, 10, 11, 1200)); // share not computed: NaN
        Path dir = new Path(tmp.toUri());
        h.save(dir, CONF);
        List<EpochRecord> back = TrainingHistory.load(dir, CONF, Integer.MAX_VALUE).epochs();
        assertThat(back.get(0)).isEqualTo(h.epochs().get(0));
        assertThat(back.get(1).valIouShare()).isNaN();
        // plain readers of history.json (Jackson as RetrainTest, Python's json) take the NaN too
        String json = Files.readString(tmp.resolve("history.json"));
        assertThat(json).contains("\"valIouShare\" : \"NaN\"");
        assertThat(Json.read(json, EpochRecord[].class, "history.json")[1].valIouShare()).isNaN();
        assertThat(Files.readAllLines(tmp.resolve("history.csv")))
                .containsExactly(EpochRecord.CSV_HEADER,
                        "1,0.900000,0.800000,0.700000,0.600000,0.00300000,0.550000,12000,10.000,11.000,1200.0",
                        "2,0.500000,0.400000,0.900000,0.700000,0.00200000,NaN,12000,10.000,11.000,1200.0");
    }

    @Test
    void aHistoryWrittenBeforeTheIouShareReadsItAsNotRecorded() {
        File run = new File("src/test/resources/fixtures/2026-11-26/registry/runs/20261126-110500-quick0");
        List<EpochRecord> old = TrainingHistory.load(new Path(run.getAbsoluteFile().toURI()), CONF, Integer.MAX_VALUE).epochs();
        assertThat(old).isNotEmpty();
        assertThat(old).allSatisfy(r -> {
            assertThat(r.valIouShare()).isNaN();
            assertThat(r.valAccuracy()).isBetween(0.0, 1.0);
        });
    }
}
