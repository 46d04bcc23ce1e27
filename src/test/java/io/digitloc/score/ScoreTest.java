package io.digitloc.score;

import io.digitloc.config.Settings;
import io.digitloc.core.ImageInput;
import io.digitloc.core.Located;
import io.digitloc.core.Predictor;
import io.digitloc.data.CanvasSchema;
import io.digitloc.io.HadoopConf;
import io.digitloc.model.LocalizerNet;
import io.digitloc.model.ModelStore;
import io.digitloc.testing.Cli;
import io.digitloc.testing.TestSpark;
import org.apache.hadoop.fs.Path;
import org.apache.spark.ml.Pipeline;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.ml.PipelineStage;
import org.apache.spark.ml.evaluation.MulticlassClassificationEvaluator;
import org.apache.spark.ml.feature.SQLTransformer;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.File;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import javax.imageio.ImageIO;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * The three ways to use a model on new data (the score job, the Spark ML model, the SQL function) give
 * what the one {@link Predictor} gives, keep rows that cannot be scored with the reason, and write
 * atomically. An untrained network suffices: the outputs are compared, not judged.
 */
class ScoreTest {
    private static final int SIZE = 75;
    @TempDir
    static java.nio.file.Path tmp;
    static SparkSession spark;
    static ComputationGraph net;
    static String modelZip;
    static String canvases;
    static List<Row> rows = new ArrayList<>();

    @BeforeAll
    static void modelAndData() {
        spark = TestSpark.get();
        net = LocalizerNet.untrained(SIZE, Settings.load(null, Map.of()).train(), 5);
        modelZip = tmp.resolve("model.zip").toString();
        ModelStore.save(net, new Path(modelZip), false, HadoopConf.local());
        Random r = new Random(1);
        for (int i = 0; i < 40; i++) {
            rows.add(canvas(i, SIZE, SIZE, r));
        }
        rows.add(canvas(40, 50, 40, r));                                    // another size: fitted, scored
        rows.add(RowFactory.create(41L, 3, 0f, 0f, 0f, 0f, SIZE, SIZE, new byte[10]));  // 10 bytes for 75x75
        canvases = tmp.resolve("canvases").toString();
        spark.createDataFrame(rows, CanvasSchema.SCHEMA).repartition(3).write().parquet(canvases);
    }

    private static Row canvas(long id, int w, int h, Random r) {
        byte[] p = new byte[w * h];
        int x0 = r.nextInt(w - 20);
        int y0 = r.nextInt(h - 20);
        for (int y = y0; y < y0 + 20; y++) {
            for (int x = x0; x < x0 + 20; x++) {
                p[y * w + x] = (byte) (100 + r.nextInt(156));
            }
        }
        return RowFactory.create(id, (int) (id % 10), 0f, 0f, 0f, 0f, w, h, p);
    }

    /** What the one Predictor says for row i (fitted as the scorer fits it). */
    private static Located expected(int i, ImageInput.Fitted[] fitted) {
        Row row = rows.get(i);
        fitted[0] = ImageInput.fromGray((byte[]) row.get(8), row.getInt(6), row.getInt(7), SIZE);
        return new Predictor(net, SIZE).predict(fitted[0].pixels(), 1).get(0);
    }

    @Test
    void theScoreJobScoresEveryRowAsThePredictorDoesAndKeepsTheBadOnes() throws Exception {
        String out = tmp.resolve("scored").toString();
        Cli.Run run = Cli.run("score", "--input", canvases, "--model", modelZip, "--out", out, "--probabilities",
                "--batch", "16");
        assertThat(run.code()).as(run.err()).isZero();
        assertThat(run.out()).contains("42 rows, 41 scored, 1 unscored");

        Dataset<Row> scored = spark.read().parquet(out);
        assertThat(scored.columns()).doesNotContain("pixels").contains("id", "label", "digit", "probability",
                "probabilities", "box_xmin", "px_ymax", "error");
        Map<Long, Row> byId = new HashMap<>();
        scored.collectAsList().forEach(r -> byId.put(r.getLong(0), r));
        assertThat(byId).hasSize(42);
        for (int i = 0; i <= 40; i++) {
            ImageInput.Fitted[] f = new ImageInput.Fitted[1];
            Located want = expected(i, f);
            Row got = byId.get((long) i);
            assertThat(got.isNullAt(got.fieldIndex("error"))).isTrue();
            assertThat(got.getInt(got.fieldIndex("digit"))).isEqualTo(want.digit());
            assertThat(got.getFloat(got.fieldIndex("probability"))).isCloseTo(want.probability(), within(1e-5f));
            assertThat(got.getList(got.fieldIndex("probabilities"))).hasSize(10);
            double[] px = f[0].toInput(want.box());
            assertThat(got.getDouble(got.fieldIndex("px_xmin"))).isCloseTo(px[0], within(1e-3));
            assertThat(got.getDouble(got.fieldIndex("px_ymax"))).isCloseTo(px[3], within(1e-3));
            assertThat(got.getFloat(got.fieldIndex("box_xmax"))).isCloseTo((float) (px[2] / f[0].width()), within(1e-5f));
        }
        // a canvas of the model's size maps straight: fractions of the canvas, pixels = fractions x 75
        Row first = byId.get(0L);
        assertThat(first.getDouble(first.fieldIndex("px_xmin")))
                .isCloseTo(first.getFloat(first.fieldIndex("box_xmin")) * SIZE, within(1e-3));
        Row bad = byId.get(41L);
        assertThat(bad.isNullAt(bad.fieldIndex("digit"))).isTrue();
        assertThat(bad.getString(bad.fieldIndex("error"))).contains("41").contains("10 pixel bytes");
        var summary = io.digitloc.io.Json.MAPPER.readTree(new File(out, ScoreJob.SUMMARY));
        assertThat(summary.get("errors").asLong()).isEqualTo(1);
        assertThat(summary.get("scored").asLong()).isEqualTo(41);

        // the output exists: refused without --overwrite, nothing else touched
        Cli.Run again = Cli.run("score", "--input", canvases, "--model", modelZip, "--out", out);
        assertThat(again.code()).isEqualTo(1);
        assertThat(again.err()).contains("exists").contains("--overwrite");
        assertThat(new File(tmp.toFile(), ".").list()).noneMatch(n -> n.contains(".tmp-"));
    }

    @Test
    void picturesAreScoredFromFilesAndAnUndecodableOneIsCountedNotFatal() throws Exception {
        File dir = tmp.resolve("pictures").toFile();
        assertThat(dir.mkdirs()).isTrue();
        for (int k = 0; k < 2; k++) { // black digit-like strokes on white paper, larger than the canvas
            BufferedImage img = new BufferedImage(150, 100, BufferedImage.TYPE_INT_RGB);
            Graphics2D g = img.createGraphics();
            g.setColor(Color.WHITE);
            g.fillRect(0, 0, 150, 100);
            g.setColor(Color.BLACK);
            g.fillRect(40 + 30 * k, 20, 12, 60);
            g.dispose();
            ImageIO.write(img, "png", new File(dir, "digit-" + k + ".png"));
        }
        Files.writeString(new File(dir, "broken.png").toPath(), "not a picture");
        String out = tmp.resolve("scored-pictures").toString();
        ScoreJob.Result r = ScoreJob.run(spark, new ScoreJob.Request(dir.getPath(), io.digitloc.config.ScoreSettings.Format.AUTO, modelZip, out,
                false, SIZE, 8, "pixels", false));
        assertThat(r.rows()).isEqualTo(3);
        assertThat(r.errors()).isEqualTo(1);
        Map<String, Row> byName = new HashMap<>();
        spark.read().parquet(out).collectAsList().forEach(row -> byName.put(new File(row.getString(0)).getName(), row));
        assertThat(byName.get("broken.png").getString(byName.get("broken.png").fieldIndex("error")))
                .contains("broken.png");
        Row one = byName.get("digit-1.png");
        ImageInput.Fitted f = ImageInput.fit(ImageInput.read(new File(dir, "digit-1.png")), SIZE);
        Located want = new Predictor(net, SIZE).predict(f.pixels(), 1).get(0);
        assertThat(one.getInt(one.fieldIndex("digit"))).isEqualTo(want.digit());
        assertThat(one.getDouble(one.fieldIndex("px_xmax"))).isCloseTo(f.toInput(want.box())[2], within(1e-3));
        assertThat(one.schema().fieldNames()).doesNotContain("content", "probabilities");
    }

    @Test
    void anEmptyPictureFileGetsARowWithTheReasonAndIsCounted() throws Exception {
        File dir = tmp.resolve("with-empty").toFile();
        File nested = new File(dir, "more");
        assertThat(nested.mkdirs()).isTrue();
        BufferedImage img = new BufferedImage(40, 40, BufferedImage.TYPE_INT_RGB);
        ImageIO.write(img, "png", new File(dir, "good.png"));
        Files.write(new File(dir, "empty.png").toPath(), new byte[0]);
        Files.write(new File(nested, "empty-too.jpg").toPath(), new byte[0]);
        Files.write(new File(dir, ".hidden.png").toPath(), new byte[0]); // Spark never reads hidden files
        Files.write(new File(dir, "_hidden.png").toPath(), new byte[0]);
        String out = tmp.resolve("scored-with-empty").toString();
        Cli.Run run = Cli.run("score", "--input", dir.getPath(), "--model", modelZip, "--out", out);
        assertThat(run.code()).as(run.err()).isZero();
        assertThat(run.out()).contains("3 rows, 1 scored, 2 unscored");

        Map<String, Row> byName = new HashMap<>();
        spark.read().parquet(out).collectAsList().forEach(row -> byName.put(new File(row.getString(0)).getName(), row));
        assertThat(byName).containsOnlyKeys("good.png", "empty.png", "empty-too.jpg");
        Row empty = byName.get("empty.png");
        assertThat(empty.getString(0)).as("named as Spark names the files it reads")
                .isEqualTo(byName.get("good.png").getString(0).replace("good.png", "empty.png"));
        assertThat(empty.isNullAt(empty.fieldIndex("digit"))).isTrue();
        assertThat(empty.getString(empty.fieldIndex("error"))).endsWith("empty.png: empty file");
        assertThat(byName.get("good.png").isNullAt(byName.get("good.png").fieldIndex("error"))).isTrue();
        var summary = io.digitloc.io.Json.MAPPER.readTree(new File(out, ScoreJob.SUMMARY));
        assertThat(summary.get("rows").asLong()).isEqualTo(3);
        assertThat(summary.get("errors").asLong()).isEqualTo(2);
        assertThat(summary.get("format").asText()).isEqualTo("pictures");

        // a glob: the empty file it matches is there too, the one it does not match is not
        String globbed = tmp.resolve("scored-glob").toString();
        ScoreJob.Result r = ScoreJob.run(spark, new ScoreJob.Request(dir.getPath() + "/*.png",
                io.digitloc.config.ScoreSettings.Format.PICTURES, modelZip, globbed, false, SIZE, 8, "pixels", false));
        assertThat(r.rows()).isEqualTo(2);
        assertThat(r.errors()).isEqualTo(1);
    }

    @Test
    void badInputFailsClearlyAndWritesNothing() {
        String out = tmp.resolve("never").toString();
        Cli.Run run = Cli.run("score", "--input", canvases, "--model", modelZip, "--out", out, "--pixels-col", "image");
        assertThat(run.code()).isEqualTo(1);
        assertThat(run.err()).contains("no binary column 'image'").contains("--pixels-col");
        assertThat(new File(out)).doesNotExist();
        Cli.Run none = Cli.run("score", "--input", tmp.resolve("nothing-here").toString(), "--model", modelZip,
                "--out", out);
        assertThat(none.code()).isEqualTo(1);
        assertThat(none.err()).contains("no input at");
        assertThat(new File(out)).doesNotExist();
    }

    @Test
    void theSparkMlModelTransformsInsideAPipelineAndSurvivesSaveAndLoad() throws Exception {
        Dataset<Row> df = spark.read().parquet(canvases);
        DigitLocalizerModel model = DigitLocalizerModel.fromFile(modelZip, SIZE).setBatchSize(7);
        PipelineModel pipeline = new Pipeline().setStages(new PipelineStage[] {
                new SQLTransformer().setStatement("SELECT * FROM __THIS__ WHERE id < 41"), model}).fit(df);
        Dataset<Row> out = pipeline.transform(df);
        assertThat(out.columns()).contains("pixels", "located", "prediction");
        List<Row> got = out.orderBy("id").select("id", "located.digit", "located.probability", "located.error",
                "prediction", "label").collectAsList();
        assertThat(got).hasSize(41);
        int right = 0;
        for (Row r : got) {
            int i = (int) r.getLong(0);
            Located want = expected(i, new ImageInput.Fitted[1]);
            assertThat(r.getInt(1)).isEqualTo(want.digit());
            assertThat(r.getFloat(2)).isCloseTo(want.probability(), within(1e-5f));
            assertThat(r.isNullAt(3)).isTrue();
            assertThat(r.getDouble(4)).isEqualTo(want.digit());
            right += r.getInt(1) == r.getInt(5) ? 1 : 0;
        }
        // Spark ML's own evaluator reads the prediction column
        double accuracy = new MulticlassClassificationEvaluator().setLabelCol("label").setPredictionCol("prediction")
                .setMetricName("accuracy").evaluate(out);
        assertThat(accuracy).isCloseTo(right / 41.0, within(1e-9));

        String path = tmp.resolve("pipeline").toString();
        pipeline.write().save(path);
        PipelineModel loaded = PipelineModel.load(path);
        DigitLocalizerModel stage = (DigitLocalizerModel) loaded.stages()[1];
        assertThat((Integer) stage.getOrDefault(stage.batchSize())).isEqualTo(7);
        assertThat(loaded.transform(df).orderBy("id").select("id", "located.digit", "located.px_xmin")
                .collectAsList()).isEqualTo(out.orderBy("id").select("id", "located.digit", "located.px_xmin")
                .collectAsList());

        String alone = tmp.resolve("model-stage").toString();
        model.write().save(alone);
        DigitLocalizerModel back = DigitLocalizerModel.load(alone);
        assertThat(back.uid()).isEqualTo(model.uid());
        assertThat(back.transform(df).filter("id = 41").select("located.error").first().getString(0))
                .contains("10 pixel bytes");
    }

    @Test
    void theSqlFunctionAnswersPerRow() {
        LocateDigit.register(spark, "locate_digit", net, SIZE);
        spark.read().parquet(canvases).createOrReplaceTempView("canvases");
        List<Row> got = spark.sql("SELECT id, locate_digit(pixels, width, height) AS r FROM canvases ORDER BY id")
                .select("id", "r.digit", "r.probability", "r.error").collectAsList();
        assertThat(got).hasSize(42);
        for (Row r : got) {
            int i = (int) r.getLong(0);
            if (i == 41) {
                assertThat(r.isNullAt(1)).isTrue();
                assertThat(r.getString(3)).contains("10 pixel bytes");
                continue;
            }
            Located want = expected(i, new ImageInput.Fitted[1]);
            assertThat(r.getInt(1)).isEqualTo(want.digit());
            assertThat(r.getFloat(2)).isCloseTo(want.probability(), within(1e-5f));
        }
    }
}
