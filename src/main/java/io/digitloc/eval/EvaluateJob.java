package io.digitloc.eval;

import io.digitloc.config.EvalSettings;
import io.digitloc.config.Settings;
import io.digitloc.core.Batches;
import io.digitloc.core.EpochRecord;
import io.digitloc.core.Metrics;
import io.digitloc.core.Prediction;
import io.digitloc.core.Predictor;
import io.digitloc.core.RunLayout;
import io.digitloc.data.CanvasDataset;
import io.digitloc.data.CanvasRows;
import io.digitloc.data.DatasetException;
import io.digitloc.data.Split;
import io.digitloc.io.HadoopConf;
import io.digitloc.io.HadoopFiles;
import io.digitloc.io.Json;
import io.digitloc.model.LocalizerNet;
import io.digitloc.model.ModelException;
import io.digitloc.model.ModelStore;
import io.digitloc.report.HtmlReport;
import io.digitloc.report.PredictionGrid;
import io.digitloc.spark.BroadcastModel;
import io.digitloc.run.TrainingHistory;
import io.digitloc.run.TrainingMetadata;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.storage.StorageLevel;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import javax.imageio.ImageIO;

import static org.apache.spark.sql.functions.col;

/**
 * The evaluate stage: the model, broadcast once to each executor, predicts every validation canvas
 * partition by partition; the predictions are written as Parquet and the figures aggregated by
 * Spark SQL ({@link SparkMetrics}), so the dataset never comes to the driver. Writes into the output
 * directory (by default the model directory): {@code metrics.json}, {@code predictions/},
 * {@code predictions_sample.csv}, {@code grid.png} and {@code report.html}, each atomically.
 */
public final class EvaluateJob {
    private static final Logger LOG = LoggerFactory.getLogger(EvaluateJob.class);
    static final int HISTOGRAM_BINS = 20;

    private EvaluateJob() {
    }

    /** What a finished evaluation produced. */
    public record Result(String outDir, Metrics metrics, double seconds) {
    }

    public static Result run(SparkSession spark, Settings settings) {
        long start = System.nanoTime();
        EvalSettings e = settings.eval();
        HadoopConf conf = new HadoopConf(spark.sparkContext().hadoopConfiguration());
        JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
        Path modelFile = new Path(e.modelPath(settings.train().modelDir()));
        if (e.model() == null || e.model().isBlank()) { // a model directory: complete only with its metadata.json
            TrainingMetadata.requireComplete(modelFile.getParent(), conf);
        }
        ComputationGraph net = ModelStore.load(modelFile, false, conf);
        CanvasDataset dataset = CanvasDataset.open(spark, settings.data().dir());
        int size = dataset.manifest().canvasSize();
        LocalizerNet.requireFits(net, size, modelFile.toString());
        Dataset<Row> validation = dataset.read(Split.VALIDATION);
        if (e.limit() > 0) {
            validation = validation.orderBy("id").limit(e.limit());
        }

        Path out = new Path(e.outDir(settings.train().modelDir()));
        FileSystem fs = HadoopFiles.fs(out, conf);
        BroadcastModel model = new BroadcastModel(jsc, net);
        int batchSize = settings.eval().batchSize();
        Path predictionsTmp = HadoopFiles.tempSibling(new Path(out, RunLayout.PREDICTIONS));
        Dataset<Row> predictions = null;
        try {
            fs.mkdirs(out);
            JavaRDD<Row> rows = validation.javaRDD().mapPartitions(it -> predict(model, it, size, batchSize));
            // cached: written once, then aggregated and sampled without running the model again
            predictions = spark.createDataFrame(rows, PredictionSchema.SCHEMA).persist(StorageLevel.MEMORY_AND_DISK());
            predictions.write().mode(SaveMode.ErrorIfExists).parquet(predictionsTmp.toString());
            Metrics metrics = SparkMetrics.compute(predictions, e.iouThresholds(), HISTOGRAM_BINS);
            byte[] grid = png(grid(predictions, validation, size, e.gridColumns()));
            String sampleCsv = sampleCsv(predictions, e.sampleRows());

            HadoopFiles.replace(fs, predictionsTmp, new Path(out, RunLayout.PREDICTIONS));
            HadoopFiles.writeString(new Path(out, RunLayout.SAMPLE_CSV), sampleCsv, conf);
            writeBytes(fs, new Path(out, RunLayout.GRID), grid);
            List<EpochRecord> history = TrainingHistory.read(modelFile.getParent(), conf);
            TrainingMetadata.Outcome outcome = outcome(modelFile.getParent(), conf);
            double referenceThreshold = e.iouThresholds().contains(0.6) ? 0.6 : e.iouThresholds().get(0);
            HadoopFiles.writeString(new Path(out, RunLayout.REPORT), HtmlReport.render(modelFile.getParent().toString(),
                    facts(settings, modelFile, dataset, metrics, history, outcome), metrics, history, grid,
                    referenceThreshold, outcome == null ? 0 : outcome.bestEpoch()), conf);
            // metrics.json last: its presence marks a complete evaluation
            HadoopFiles.writeString(new Path(out, RunLayout.METRICS), Json.write(metrics), conf);
            double seconds = (System.nanoTime() - start) / 1e9;
            LOG.info(String.format(Locale.ROOT, "evaluate: %d canvases, accuracy %.2f%%, mean IoU %.3f, %.1f s",
                    metrics.count(), 100 * metrics.accuracy(), metrics.meanIou(), seconds));
            return new Result(out.toString(), metrics, seconds);
        } catch (IOException ex) {
            throw new UncheckedIOException("cannot write the evaluation into " + out + ": " + ex.getMessage(), ex);
        } finally {
            model.destroy();
            if (predictions != null) {
                predictions.unpersist();
            }
            HadoopFiles.deleteQuietly(fs, predictionsTmp);
        }
    }

    /** A partition's predictions as rows, batch by batch: one batch of canvases in memory at a time. */
    private static Iterator<Row> predict(BroadcastModel model, Iterator<Row> it, int size, int batchSize) {
        Predictor predictor = new Predictor(model.get(), size);
        return Batches.flatMap(it, batchSize, rows -> predictor.predict(CanvasRows.batch(rows, size), CanvasRows.ids(rows))
                .stream().map(PredictionSchema::toRow).toList());
    }

    /** The picture: the first canvases by id, then the worst boxes, then misclassified canvases. */
    static BufferedImage grid(Dataset<Row> predictions, Dataset<Row> validation, int size, int columns) {
        List<Prediction> first = collect(predictions.orderBy("id").limit(2 * columns));
        List<Prediction> worst = collect(predictions.orderBy(col("iou").asc(), col("id").asc()).limit(columns));
        List<Prediction> wrong = collect(predictions.filter(col("correct").equalTo(false))
                .orderBy(col("score").desc(), col("id").asc()).limit(columns));
        Set<Long> ids = new java.util.HashSet<>();
        for (List<Prediction> l : List.of(first, worst, wrong)) {
            l.forEach(p -> ids.add(p.id()));
        }
        Map<Long, byte[]> pixels = new HashMap<>();
        validation.filter(col("id").isin(ids.toArray())).select("id", "pixels").collectAsList()
                .forEach(r -> pixels.put(r.getLong(0), r.getAs(1)));
        List<PredictionGrid.Section> sections = new ArrayList<>();
        sections.add(section("Validation canvases (first by id)", first, pixels, size));
        sections.add(section("Worst IoU", worst, pixels, size));
        sections.add(wrong.isEmpty() ? new PredictionGrid.Section("Misclassified: none", List.of())
                : section("Misclassified (most confident first)", wrong, pixels, size));
        return PredictionGrid.draw(sections, columns, size);
    }

    private static PredictionGrid.Section section(String title, List<Prediction> ps, Map<Long, byte[]> pixels, int size) {
        return new PredictionGrid.Section(title, ps.stream()
                .map(p -> new PredictionGrid.Cell(pixels.get(p.id()), size, p)).collect(Collectors.toList()));
    }

    private static List<Prediction> collect(Dataset<Row> rows) {
        return rows.collectAsList().stream().map(PredictionSchema::fromRow).collect(Collectors.toList());
    }

    /** A small CSV of predictions (every k-th by id, plus all misclassified) for the notebook. */
    static String sampleCsv(Dataset<Row> predictions, int rows) {
        StringBuilder sb = new StringBuilder("id,label,predicted,correct,score,true_xmin,true_ymin,true_xmax,true_ymax,"
                + "pred_xmin,pred_ymin,pred_xmax,pred_ymax,iou\n");
        Dataset<Row> sample = predictions.orderBy("id").limit(rows)
                .union(predictions.filter(col("correct").equalTo(false)).orderBy("id").limit(rows)).distinct()
                .orderBy("id");
        for (Row r : sample.collectAsList()) {
            Prediction p = PredictionSchema.fromRow(r);
            sb.append(String.format(Locale.ROOT, "%d,%d,%d,%b,%.5f,%.5f,%.5f,%.5f,%.5f,%.5f,%.5f,%.5f,%.5f,%.5f%n",
                    p.id(), p.label(), p.predicted(), p.correct(), p.score(), p.trueBox()[0], p.trueBox()[1],
                    p.trueBox()[2], p.trueBox()[3], p.predBox()[0], p.predBox()[1], p.predBox()[2], p.predBox()[3],
                    p.iou()));
        }
        return sb.toString();
    }

    static byte[] png(BufferedImage img) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            ImageIO.write(img, "png", out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    private static void writeBytes(FileSystem fs, Path target, byte[] bytes) throws IOException {
        Path tmp = HadoopFiles.tempSibling(target);
        try (FSDataOutputStream o = fs.create(tmp, false)) {
            o.write(bytes);
        }
        HadoopFiles.replace(fs, tmp, target);
    }

    /** How the model's training run ended (metadata.json beside it), or null for a model without one. */
    private static TrainingMetadata.Outcome outcome(Path modelDir, HadoopConf conf) {
        Path file = new Path(modelDir, RunLayout.METADATA);
        return HadoopFiles.exists(file, conf)
                ? TrainingMetadata.read(HadoopFiles.readString(file, conf), file.toString()).outcome() : null;
    }

    private static Map<String, String> facts(Settings settings, Path modelFile, CanvasDataset dataset, Metrics m,
                                             List<EpochRecord> history, TrainingMetadata.Outcome outcome) {
        Map<String, String> f = new LinkedHashMap<>();
        f.put("model", modelFile.toString());
        f.put("dataset", settings.data().dir() + " (seed " + dataset.manifest().seed() + ", "
                + dataset.manifest().canvasSize() + "x" + dataset.manifest().canvasSize() + " canvases, "
                + dataset.manifest().split(Split.TRAIN).count() + " train)");
        f.put("validation canvases evaluated", Long.toString(m.count()));
        if (!history.isEmpty()) {
            EpochRecord last = history.get(history.size() - 1);
            double fit = history.stream().mapToDouble(EpochRecord::fitSeconds).sum();
            double all = history.stream().mapToDouble(EpochRecord::epochSeconds).sum();
            f.put("epochs", Integer.toString(last.epoch()));
            if (outcome != null) {
                f.put("model kept", "epoch " + outcome.bestEpoch() + " (" + outcome.stopReason() + ")");
            }
            f.put("training time", String.format(Locale.ROOT, "%.0f s (fit %.0f s, %.0f img/s)", all, fit,
                    history.stream().mapToLong(EpochRecord::examples).sum() / Math.max(fit, 1e-9)));
        }
        return f;
    }

    /** Fails early when there is nothing to evaluate. */
    public static void checkInputs(Settings settings, HadoopConf conf) {
        Path model = new Path(settings.eval().modelPath(settings.train().modelDir()));
        if (!HadoopFiles.exists(model, conf)) {
            throw new ModelException("no model at " + model + "; train one first or pass --model");
        }
        CanvasDataset.readManifest(settings.data().dir(), conf);
        if (!HadoopFiles.exists(new Path(settings.data().dir(), Split.VALIDATION.dirName()), conf)) {
            throw new DatasetException("no validation split in " + settings.data().dir());
        }
    }
}
