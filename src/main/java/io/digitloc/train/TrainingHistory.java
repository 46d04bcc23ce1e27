package io.digitloc.train;

import io.digitloc.io.Files;
import io.digitloc.io.HadoopConf;
import io.digitloc.io.Json;
import org.apache.hadoop.fs.Path;

import java.util.ArrayList;
import java.util.List;

/** Per-epoch figures, saved as history.csv (for people and pandas) and history.json after every epoch. */
public final class TrainingHistory {
    public static final String CSV = "history.csv";
    public static final String JSON = "history.json";

    private final List<EpochRecord> epochs = new ArrayList<>();

    public void add(EpochRecord r) {
        epochs.add(r);
    }

    public List<EpochRecord> epochs() {
        return List.copyOf(epochs);
    }

    public String csv() {
        StringBuilder sb = new StringBuilder(EpochRecord.CSV_HEADER).append('\n');
        epochs.forEach(e -> sb.append(e.csv()).append('\n'));
        return sb.toString();
    }

    public void save(Path dir, HadoopConf conf) {
        Files.writeString(new Path(dir, CSV), csv(), conf);
        Files.writeString(new Path(dir, JSON), Json.write(epochs), conf);
    }
}
