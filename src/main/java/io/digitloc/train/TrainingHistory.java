package io.digitloc.train;

import io.digitloc.core.EpochRecord;

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

    /** The history saved in {@code dir}, keeping epochs up to {@code lastEpoch} (a resumed run redoes later ones). */
    public static TrainingHistory load(Path dir, HadoopConf conf, int lastEpoch) {
        TrainingHistory h = new TrainingHistory();
        Path json = new Path(dir, JSON);
        if (Files.exists(json, conf)) {
            for (EpochRecord r : Json.read(Files.readString(json, conf), EpochRecord[].class, json.toString())) {
                if (r.epoch() <= lastEpoch) {
                    h.add(r);
                }
            }
        }
        return h;
    }

    public void save(Path dir, HadoopConf conf) {
        Files.writeString(new Path(dir, CSV), csv(), conf);
        Files.writeString(new Path(dir, JSON), Json.write(epochs), conf);
    }
}
