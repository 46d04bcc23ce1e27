package io.digitloc.run;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.digitloc.core.EpochRecord;
import io.digitloc.core.RunLayout;
import io.digitloc.io.HadoopConf;
import io.digitloc.io.HadoopFiles;
import io.digitloc.io.Json;
import org.apache.hadoop.fs.Path;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;

/** Per-epoch figures, saved as history.csv (for people and pandas) and history.json after every epoch. */
public final class TrainingHistory {

    private final List<EpochRecord> epochs = new ArrayList<>();

    public void add(EpochRecord r) {
        epochs.add(r);
    }

    public List<EpochRecord> epochs() {
        return List.copyOf(epochs);
    }

    /** Samples per second of fitting over all the epochs (0 before the first). */
    public double imagesPerSecond() {
        double examples = 0;
        double seconds = 0;
        for (EpochRecord r : epochs) {
            examples += r.examples();
            seconds += r.fitSeconds();
        }
        return seconds == 0 ? 0 : examples / seconds;
    }

    public String csv() {
        StringBuilder sb = new StringBuilder(EpochRecord.CSV_HEADER).append('\n');
        epochs.forEach(e -> sb.append(e.csv()).append('\n'));
        return sb.toString();
    }

    /** The history saved in {@code dir}, keeping epochs up to {@code lastEpoch} (a resumed run redoes later ones). */
    public static TrainingHistory load(Path dir, HadoopConf conf, int lastEpoch) {
        TrainingHistory h = new TrainingHistory();
        Path json = new Path(dir, RunLayout.HISTORY_JSON);
        if (HadoopFiles.exists(json, conf)) {
            for (EpochRecord r : parse(HadoopFiles.readString(json, conf), json.toString())) {
                if (r.epoch() <= lastEpoch) {
                    h.add(r);
                }
            }
        }
        return h;
    }

    /** history.json's records; a field added later (valIouShare) reads as NaN, "not recorded", in older files. */
    static EpochRecord[] parse(String json, String where) {
        try {
            JsonNode tree = Json.MAPPER.readTree(json);
            if (tree != null && tree.isArray()) {
                for (JsonNode n : tree) {
                    if (n instanceof ObjectNode o && !o.has("valIouShare")) {
                        o.put("valIouShare", Double.NaN);
                    }
                }
            }
            return Json.MAPPER.treeToValue(tree, EpochRecord[].class);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException(where + " is not valid EpochRecord[] JSON: " + e.getOriginalMessage(), e);
        }
    }

    /**
     * The history of a finished run in {@code dir} for reports: empty when there is none or it cannot be
     * read (a report without curves beats no report).
     */
    public static List<EpochRecord> read(Path dir, HadoopConf conf) {
        try {
            return load(dir, conf, Integer.MAX_VALUE).epochs();
        } catch (RuntimeException e) {
            LoggerFactory.getLogger(TrainingHistory.class).warn("ignoring unreadable history in {}: {}", dir, e.getMessage());
            return List.of();
        }
    }

    public void save(Path dir, HadoopConf conf) {
        HadoopFiles.writeString(new Path(dir, RunLayout.HISTORY_CSV), csv(), conf);
        HadoopFiles.writeString(new Path(dir, RunLayout.HISTORY_JSON), Json.write(epochs), conf);
    }
}
