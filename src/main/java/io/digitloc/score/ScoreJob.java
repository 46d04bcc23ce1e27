package io.digitloc.score;

import io.digitloc.config.ScoreSettings.Format;
import io.digitloc.io.HadoopConf;
import io.digitloc.io.HadoopFiles;
import io.digitloc.io.Json;
import io.digitloc.model.LocalizerNet;
import io.digitloc.model.ModelStore;
import io.digitloc.spark.BroadcastModel;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import static org.apache.spark.sql.functions.col;

/**
 * The score stage: a trained model over new data at scale. Reads a Parquet dataset with a pixels column
 * (the project's canvas schema, labelled or not; other canvas sizes are fitted as pictures are) or
 * picture files (a directory or glob on any Hadoop filesystem, through Spark's binaryFile source),
 * predicts partition by partition with the broadcast model in batches, and writes Parquet: the input's
 * columns but the pixels, plus {@link ScoreColumns}. Rows that cannot be scored keep their place with
 * the reason in {@code error} and are counted; so do empty picture files, which Spark's binaryFile source
 * would silently skip. The output directory appears complete or not at all, with
 * {@value #SUMMARY} (counts, time, model) inside.
 */
public final class ScoreJob {
    private static final Logger LOG = LoggerFactory.getLogger(ScoreJob.class);
    public static final String SUMMARY = "_score.json";

    private ScoreJob() {
    }

    /**
     * @param input         a Parquet dataset, or a directory or glob of pictures
     * @param model         the model.zip
     * @param out           the output directory (must not exist unless {@code overwrite})
     * @param canvasSize    the model's canvas side
     * @param batchSize     canvases per inference call
     * @param pixelsColumn  the Parquet column with grayscale bytes
     * @param probabilities also write the 10 class probabilities
     */
    public record Request(String input, Format format, String model, String out, boolean overwrite, int canvasSize,
                          int batchSize, String pixelsColumn, boolean probabilities) {
    }

    /** Counts of a finished run. */
    public record Result(String out, long rows, long scored, long errors, double seconds) {
        public double rowsPerSecond() {
            return rows / Math.max(seconds, 1e-9);
        }
    }

    public static Result run(SparkSession spark, Request req) {
        long start = System.nanoTime();
        HadoopConf conf = new HadoopConf(spark.sparkContext().hadoopConfiguration());
        Path out = new Path(req.out());
        FileSystem fs = HadoopFiles.fs(out, conf);
        try {
            if (fs.exists(out) && !req.overwrite()) {
                throw new IllegalArgumentException(out + " exists; pass --overwrite to replace it");
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Format format = req.format() == Format.AUTO ? detect(req.input(), conf) : req.format();
        Dataset<Row> in = read(spark, req.input(), format, req.pixelsColumn());
        ComputationGraph net = ModelStore.load(new Path(req.model()), false, conf);
        LocalizerNet.requireFits(net, req.canvasSize(), req.model() + " (set --set data.canvas-size=<its size>)");

        JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
        BroadcastModel model = new BroadcastModel(jsc, net);
        String column = format == Format.PICTURES ? "content" : req.pixelsColumn();
        RowScorer scorer = new RowScorer(model, req.canvasSize(), req.batchSize(), in.schema(), column,
                format == Format.PICTURES ? RowScorer.Kind.PICTURE : RowScorer.Kind.CANVAS,
                RowScorer.Output.columns(req.probabilities()));
        Path tmp = HadoopFiles.tempSibling(out);
        try {
            Dataset<Row> scored = spark.createDataFrame(in.javaRDD().mapPartitions(scorer::apply),
                    scorer.outputSchema(in.schema())).drop(column);
            scored.write().mode(SaveMode.ErrorIfExists).parquet(tmp.toString());
            // counted from what was written: cheap (a column of Parquet), and exactly what the reader gets
            Dataset<Row> written = spark.read().parquet(tmp.toString());
            long rows = written.count();
            long errors = written.filter(col(ScoreColumns.ERROR).isNotNull()).count();
            double seconds = (System.nanoTime() - start) / 1e9;
            Map<String, Object> summary = new LinkedHashMap<>();
            summary.put("input", req.input());
            summary.put("format", format.name().toLowerCase(Locale.ROOT));
            summary.put("model", req.model());
            summary.put("rows", rows);
            summary.put("scored", rows - errors);
            summary.put("errors", errors);
            summary.put("seconds", Math.round(seconds * 10) / 10.0);
            summary.put("written_at", Instant.now().toString());

            if (errors > 0) {
                written.filter(col(ScoreColumns.ERROR).isNotNull()).select(ScoreColumns.ERROR).limit(3).collectAsList()
                        .forEach(r -> LOG.warn("score: unscored row: {}", r.getString(0)));
            }
            // _score.json last: on S3 the rename copies file by file, and the summary says the rest is there
            HadoopFiles.publishMarked(fs, tmp, out, true, new HadoopFiles.Marker(SUMMARY, Json.write(summary)), conf);
            LOG.info(String.format(Locale.ROOT, "score: %d rows, %d unscored, %.1f s", rows, errors, seconds));
            return new Result(out.toString(), rows, rows - errors, errors, seconds);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + out + ": " + e.getMessage(), e);
        } finally {
            HadoopFiles.deleteQuietly(fs, tmp);
            model.destroy();
        }
    }

    /**
     * The summary of a complete score output, which readers check before they read its Parquet: a run killed
     * while publishing leaves an output without it (on S3 the publishing rename copies file by file).
     */
    @SuppressWarnings("unchecked") // a JSON object's fields
    public static Map<String, Object> requireComplete(Path out, HadoopConf conf) {
        Path file = new Path(out, SUMMARY);
        if (!HadoopFiles.exists(file, conf)) {
            throw new IllegalStateException(out + " has no " + SUMMARY + ": not a complete score output (its run was "
                    + "interrupted while publishing it, or is still publishing it); run score again with --overwrite");
        }
        return (Map<String, Object>) Json.read(HadoopFiles.readString(file, conf), Map.class, file.toString());
    }

    /**
     * The zero-byte files among those Spark's binaryFile source reads for {@code input} (a file, a directory
     * read recursively, or a glob), named as it names them; hidden names ({@code .x}, {@code _x}) skipped
     * as Spark skips them, even when given or matched by the glob.
     */
    static List<String> emptyFiles(String input, HadoopConf conf) {
        Path p = new Path(input);
        try {
            FileSystem fs = HadoopFiles.fs(p, conf);
            FileStatus[] matches = fs.globStatus(p);
            List<String> empty = new ArrayList<>();
            for (FileStatus m : matches == null ? new FileStatus[0] : matches) {
                if (!hidden(m.getPath().getName())) {
                    collectEmpty(fs, m, empty);
                }
            }
            return empty;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + input + ": " + e.getMessage(), e);
        }
    }

    private static void collectEmpty(FileSystem fs, FileStatus s, List<String> empty) throws IOException {
        if (s.isFile()) {
            if (s.getLen() == 0) {
                empty.add(fs.makeQualified(s.getPath()).toString());
            }
            return;
        }
        for (FileStatus child : fs.listStatus(s.getPath())) {
            if (!hidden(child.getPath().getName())) {
                collectEmpty(fs, child, empty);
            }
        }
    }

    /** Spark's rule for files and directories it does not read (InMemoryFileIndex). */
    private static boolean hidden(String name) {
        return name.startsWith(".") || name.startsWith("_") && !name.contains("=") || name.endsWith("._COPYING_");
    }

    /** Parquet when the path (a directory) holds Parquet files at any depth, pictures otherwise. */
    static Format detect(String input, HadoopConf conf) {
        Path p = new Path(input);
        try {
            FileSystem fs = HadoopFiles.fs(p, conf);
            FileStatus[] matches = fs.globStatus(p);
            if (matches == null || matches.length == 0) {
                throw new IllegalArgumentException("no input at " + input);
            }
            for (FileStatus m : matches) {
                if (m.isDirectory() ? hasParquet(fs, m.getPath(), 3) : m.getPath().getName().endsWith(".parquet")) {
                    return Format.PARQUET;
                }
            }
            return Format.PICTURES;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + input + ": " + e.getMessage(), e);
        }
    }

    private static boolean hasParquet(FileSystem fs, Path dir, int depth) throws IOException {
        for (FileStatus s : fs.listStatus(dir)) {
            if (s.isFile() && s.getPath().getName().endsWith(".parquet")
                    || s.isDirectory() && depth > 0 && hasParquet(fs, s.getPath(), depth - 1)) {
                return true;
            }
        }
        return false;
    }

    static Dataset<Row> read(SparkSession spark, String input, Format format, String pixelsColumn) {
        if (format == Format.PICTURES) {
            // only the path and the bytes: modificationTime and length would clutter the output
            Dataset<Row> files = spark.read().format("binaryFile").option("recursiveFileLookup", "true").load(input)
                    .select("path", "content");
            // binaryFile yields no row for an empty file; give each one, so it is scored as unreadable
            List<Row> empty = emptyFiles(input, new HadoopConf(spark.sparkContext().hadoopConfiguration())).stream()
                    .map(path -> RowFactory.create(path, new byte[0])).toList();
            return empty.isEmpty() ? files : files.union(spark.createDataFrame(empty, files.schema()));
        }
        Dataset<Row> in = spark.read().parquet(input);
        StructField f = in.schema().getFieldIndex(pixelsColumn).isDefined()
                ? in.schema().fields()[in.schema().fieldIndex(pixelsColumn)] : null;
        if (f == null || !f.dataType().sameType(DataTypes.BinaryType)) {
            throw new IllegalArgumentException(input + " has no binary column '" + pixelsColumn + "' of grayscale pixels"
                    + " (columns: " + String.join(", ", in.schema().fieldNames()) + "); name it with --pixels-col");
        }
        return in;
    }
}
