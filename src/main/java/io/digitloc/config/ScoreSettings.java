package io.digitloc.config;

import com.typesafe.config.Config;

import java.io.Serializable;

/**
 * How the score stage reads new data and batches it (keys {@code digitloc.score.*}; conf/pipeline.conf
 * describes them).
 *
 * @param format      {@code score.format}
 * @param pixelsCol   {@code score.pixels-col}
 * @param batchSize   {@code score.batch-size}: also the Spark ML model's default
 */
public record ScoreSettings(Format format, String pixelsCol, int batchSize) implements Serializable {

    /** What a score input is: Parquet canvases, or picture files; AUTO looks for Parquet files under the path. */
    public enum Format { AUTO, PARQUET, PICTURES }

    static final Setting<Format> FORMAT = Setting.choice("score.format", Format.class);
    static final Setting<String> PIXELS_COL = Setting.text("score.pixels-col", v -> v != null && !v.isBlank(),
            "a column name");
    static final Setting<Integer> BATCH_SIZE = Setting.integer("score.batch-size", v -> v >= 1, "1 or more");

    public ScoreSettings {
        FORMAT.check(format);
        PIXELS_COL.check(pixelsCol);
        BATCH_SIZE.check(batchSize);
    }

    static ScoreSettings from(Config root) {
        return new ScoreSettings(FORMAT.read(root), PIXELS_COL.read(root), BATCH_SIZE.read(root));
    }
}
