package io.digitloc.data;

import io.digitloc.config.DataSettings;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * {@code <data>/_manifest.json}: what a dataset was made from and how, written last so its
 * presence marks a complete dataset. Later jobs and scheduled runs compare it with the settings
 * they were given ({@link #mismatches}) to decide whether the data can be reused.
 */
public record DatasetManifest(int formatVersion, String codeVersion, String createdAt, long seed, int canvasSize,
                              int digitSize, String sourceDir, Map<String, SplitEntry> splits) {

    public static final int FORMAT_VERSION = 1;
    public static final String FILE_NAME = "_manifest.json";

    /**
     * @param count        canvases in the split
     * @param shards       Parquet files written
     * @param limit        the limit requested (0 = all)
     * @param imagesFile   source images file name
     * @param imagesSha256 its SHA-256 as stored
     * @param labelsFile   source labels file name
     * @param labelsSha256 its SHA-256 as stored
     */
    public record SplitEntry(long count, int shards, int limit, String imagesFile, String imagesSha256,
                             String labelsFile, String labelsSha256) {
    }

    public SplitEntry split(Split split) {
        SplitEntry e = splits == null ? null : splits.get(split.dirName());
        if (e == null) {
            throw new DatasetException("manifest has no entry for the " + split.dirName() + " split");
        }
        return e;
    }

    /**
     * Why this dataset does not match what is requested; empty when it does. Shard counts are not
     * compared: the rows are identical whatever the sharding.
     *
     * @param sources checksums of the source files now, or null to skip that comparison
     */
    public List<String> mismatches(long wantedSeed, DataSettings wanted, Map<Split, IdxSource.SplitInfo> sources) {
        List<String> why = new ArrayList<>();
        if (formatVersion != FORMAT_VERSION) {
            why.add("format version " + formatVersion + " (this code writes " + FORMAT_VERSION + ")");
        }
        if (seed != wantedSeed) {
            why.add("seed " + seed + " (wanted " + wantedSeed + ")");
        }
        if (canvasSize != wanted.canvasSize()) {
            why.add("canvas size " + canvasSize + " (wanted " + wanted.canvasSize() + ")");
        }
        compareSplit(why, Split.TRAIN, wanted.trainLimit(), sources);
        compareSplit(why, Split.VALIDATION, wanted.validationLimit(), sources);
        return why;
    }

    private void compareSplit(List<String> why, Split split, int wantedLimit, Map<Split, IdxSource.SplitInfo> sources) {
        SplitEntry e = splits == null ? null : splits.get(split.dirName());
        if (e == null) {
            why.add("no " + split.dirName() + " split");
            return;
        }
        if (e.limit() != wantedLimit) {
            why.add(split.dirName() + " limit " + e.limit() + " (wanted " + wantedLimit + ")");
        }
        if (sources != null && sources.containsKey(split)) {
            IdxSource.SplitInfo now = sources.get(split);
            if (!now.imagesSha256().equals(e.imagesSha256()) || !now.labelsSha256().equals(e.labelsSha256())) {
                why.add(split.dirName() + " source files changed since the dataset was made");
            }
        }
    }
}
