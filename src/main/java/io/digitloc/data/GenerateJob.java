package io.digitloc.data;

import io.digitloc.config.DataSettings;
import io.digitloc.config.Settings;
import io.digitloc.io.BuildInfo;
import io.digitloc.io.HadoopConf;
import io.digitloc.io.HadoopFiles;
import io.digitloc.io.Json;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;

/**
 * The generate stage: IDX digits to Parquet canvases, {@code <dir>/train}, {@code <dir>/validation}
 * and {@code <dir>/_manifest.json}. The driver only checks the source files; each task opens them
 * itself and reads its own contiguous range of digits, so nothing big passes through the driver.
 * Everything is built in a hidden sibling directory and renamed into place at the end.
 */
public final class GenerateJob {
    private static final Logger LOG = LoggerFactory.getLogger(GenerateJob.class);

    private GenerateJob() {
    }

    /** What a finished run produced. */
    public record Result(String dir, DatasetManifest manifest, double seconds) {
    }

    /**
     * Everything checked before Spark starts: settings, output policy, the source files read
     * through (magic numbers, sizes, counts, checksums).
     */
    public record Plan(Settings settings, IdxSource source, Map<Split, IdxSource.SplitInfo> sources) {
    }

    public static Plan plan(Settings settings) {
        return plan(settings, HadoopConf.local());
    }

    public static Plan plan(Settings settings, HadoopConf conf) {
        DataSettings data = settings.data();
        Path out = new Path(data.dir());
        if (HadoopFiles.exists(out, conf) && data.ifExists() == DataSettings.IfExists.FAIL) {
            throw new DatasetException(out + " already exists; remove it or set digitloc.data.if-exists = replace "
                    + "(--if-exists replace) to replace it atomically");
        }
        IdxSource source = new IdxSource(data.mnistDir(), conf);
        return new Plan(settings, source, inspect(source));
    }

    /**
     * A plan when the data must be (re)made, null when a dataset made with the same settings and source
     * files is already there (its manifest is compared). A mismatching dataset is replaced only when
     * {@code data.if-exists = replace}; otherwise the differences are reported.
     */
    public static Plan planIfNeeded(Settings settings, HadoopConf conf) {
        DataSettings data = settings.data();
        if (!HadoopFiles.exists(new Path(data.dir()), conf)) {
            return GenerateJob.plan(settings, conf);
        }
        DatasetManifest manifest;
        try {
            manifest = CanvasDataset.readManifest(data.dir(), conf);
        } catch (DatasetException e) {
            if (data.ifExists() == DataSettings.IfExists.REPLACE) {
                return GenerateJob.plan(settings, conf);
            }
            throw new DatasetException(e.getMessage() + "; pass --regenerate to replace it");
        }
        var sources = inspect(new IdxSource(data.mnistDir(), conf));
        List<String> why = manifest.mismatches(settings.seed(), data, sources);
        if (why.isEmpty()) {
            return null;
        }
        if (data.ifExists() == DataSettings.IfExists.REPLACE) {
            return new Plan(settings, new IdxSource(data.mnistDir(), conf), sources);
        }
        throw new DatasetException("the dataset at " + data.dir() + " was made with other settings: "
                + String.join(", ", why) + "; pass --regenerate to replace it, or choose another --data-dir");
    }

    public static Result run(SparkSession spark, Plan plan) {
        long start = System.nanoTime();
        Settings settings = plan.settings();
        DataSettings data = settings.data();
        HadoopConf conf = new HadoopConf(spark.sparkContext().hadoopConfiguration());
        Path out = new Path(data.dir());
        FileSystem fs = HadoopFiles.fs(out, conf);
        IdxSource source = new IdxSource(data.mnistDir(), conf);
        Map<Split, IdxSource.SplitInfo> infos = plan.sources();

        Path tmp = HadoopFiles.tempSibling(out);
        try {
            Map<String, DatasetManifest.SplitEntry> entries = new LinkedHashMap<>();
            JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
            CanvasSynthesizer synth = new CanvasSynthesizer(data.canvasSize(), settings.seed());
            for (Split split : Split.values()) {
                IdxSource.SplitInfo info = infos.get(split);
                int limit = split == Split.TRAIN ? data.trainLimit() : data.validationLimit();
                int wantedShards = split == Split.TRAIN ? data.trainShards() : data.validationShards();
                int n = limit == 0 ? info.count() : Math.min(limit, info.count());
                int shards = Math.min(wantedShards, n);
                writeSplit(spark, jsc, source, synth, split, ranges(n, shards), new Path(tmp, split.dirName()));
                entries.put(split.dirName(), new DatasetManifest.SplitEntry(n, shards, limit, info.imagesFile(),
                        info.imagesSha256(), info.labelsFile(), info.labelsSha256()));
                LOG.info("generate: {} canvases for {} in {} shards", n, split.dirName(), shards);
            }
            DatasetManifest manifest = new DatasetManifest(DatasetManifest.FORMAT_VERSION, BuildInfo.version(),
                    Instant.now().toString(), settings.seed(), data.canvasSize(), CanvasSynthesizer.DIGIT,
                    source.dir().toString(), entries);
            HadoopFiles.publishMarked(fs, tmp, out, data.ifExists() == DataSettings.IfExists.REPLACE,
                    new HadoopFiles.Marker(DatasetManifest.FILE_NAME, Json.write(manifest)), conf);
            double seconds = (System.nanoTime() - start) / 1e9;
            return new Result(out.toString(), manifest, seconds);
        } catch (IOException e) {
            throw new UncheckedIOException("generate: cannot publish " + out + ": " + e.getMessage(), e);
        } finally {
            HadoopFiles.deleteQuietly(fs, tmp);
        }
    }

    /** Reads both splits' source files through once; fails before any output is made. */
    public static Map<Split, IdxSource.SplitInfo> inspect(IdxSource source) {
        Map<Split, IdxSource.SplitInfo> infos = new EnumMap<>(Split.class);
        for (Split split : Split.values()) {
            infos.put(split, source.inspect(split));
        }
        return infos;
    }

    /** {@code n} digits cut into {@code shards} ranges [from, to) of sizes differing by at most one. */
    private static List<int[]> ranges(int n, int shards) {
        List<int[]> ranges = new ArrayList<>(shards);
        for (int s = 0; s < shards; s++) {
            int from = (int) ((long) n * s / shards);
            int to = (int) ((long) n * (s + 1) / shards);
            ranges.add(new int[] {from, to});
        }
        return ranges;
    }

    private static void writeSplit(SparkSession spark, JavaSparkContext jsc, IdxSource source, CanvasSynthesizer synth,
                                   Split split, List<int[]> ranges, Path target) {
        IdxSource.SplitFiles files = source.locate(split);
        JavaRDD<Row> rows = jsc.parallelize(ranges, ranges.size())
                .mapPartitions(it -> new RangeIterator(source, files, synth, split, it));
        spark.createDataFrame(rows, CanvasSchema.SCHEMA)
                .write().mode(SaveMode.ErrorIfExists).parquet(target.toString());
    }

    /** Lazily reads and pastes one task's digits; closes the IDX streams when done. */
    private static final class RangeIterator implements Iterator<Row> {
        private final Iterator<int[]> ranges;
        private final IdxSource source;
        private final IdxSource.SplitFiles files;
        private final CanvasSynthesizer synth;
        private final Split split;
        private final byte[] digit = new byte[CanvasSynthesizer.DIGIT * CanvasSynthesizer.DIGIT];
        private IdxReader images;
        private IdxReader labels;
        private int next;
        private int end;

        RangeIterator(IdxSource source, IdxSource.SplitFiles files, CanvasSynthesizer synth, Split split,
                      Iterator<int[]> ranges) {
            this.source = source;
            this.files = files;
            this.synth = synth;
            this.split = split;
            this.ranges = ranges;
        }

        @Override
        public boolean hasNext() {
            while (next >= end) {
                close();
                if (!ranges.hasNext()) {
                    return false;
                }
                int[] range = ranges.next();
                next = range[0];
                end = range[1];
                if (next < end) {
                    images = source.openImages(files.images());
                    labels = source.openLabels(files.labels());
                    images.skip(next);
                    labels.skip(next);
                }
            }
            return true;
        }

        @Override
        public Row next() {
            if (!hasNext()) {
                throw new NoSuchElementException();
            }
            images.read(digit);
            int label = labels.readLabel(io.digitloc.core.Digits.CLASSES);
            return CanvasSchema.toRow(synth.synthesize(split, next++, label, digit));
        }

        private void close() {
            if (images != null) {
                images.close();
                images = null;
            }
            if (labels != null) {
                labels.close();
                labels = null;
            }
        }
    }
}
