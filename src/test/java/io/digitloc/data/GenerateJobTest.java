package io.digitloc.data;

import io.digitloc.config.Settings;
import io.digitloc.testing.IdxFixtures;
import io.digitloc.testing.TestSpark;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The generate job on Spark local[2] over small IDX files written by the test. */
class GenerateJobTest {
    @TempDir
    static Path mnist;
    @TempDir
    Path tmp;
    static SparkSession spark;

    @BeforeAll
    static void setUp() {
        IdxFixtures.mnistDir(mnist, 500, 100);
        spark = TestSpark.get();
    }

    private Settings settings(Path out, Map<String, Object> extra) {
        Map<String, Object> o = new HashMap<>(extra);
        o.put("digitloc.data.mnist-dir", mnist.toString());
        o.put("digitloc.data.dir", out.toString());
        return Settings.load(null, o);
    }

    private GenerateJob.Result generate(Path out, Map<String, Object> extra) {
        return GenerateJob.run(spark, GenerateJob.plan(settings(out, extra)));
    }

    @Test
    void writesBothSplitsWithTheDocumentedSchemaAndManifest() throws IOException {
        Path out = tmp.resolve("canvases");
        GenerateJob.Result r = generate(out, Map.of("digitloc.data.train-shards", 4));

        CanvasDataset ds = CanvasDataset.open(spark, out.toString());
        Dataset<Row> train = ds.read(Split.TRAIN);
        assertThat(train.schema().fieldNames()).containsExactly(
                "id", "label", "xmin", "ymin", "xmax", "ymax", "width", "height", "pixels");
        assertThat(train.count()).isEqualTo(500);
        assertThat(ds.read(Split.VALIDATION).count()).isEqualTo(100);
        try (Stream<Path> files = Files.list(out.resolve("train"))) {
            assertThat(files.filter(p -> p.getFileName().toString().endsWith(".parquet"))).hasSize(4);
        }

        Row first = train.orderBy("id").first();
        assertThat(first.getLong(0)).isZero();
        assertThat(first.<byte[]>getAs("pixels")).hasSize(75 * 75);
        assertThat(first.<Integer>getAs("width")).isEqualTo(75);
        float xmin = first.getAs("xmin");
        float xmax = first.getAs("xmax");
        assertThat((xmax - xmin) * 75).isCloseTo(28f, org.assertj.core.data.Offset.offset(1e-4f));

        DatasetManifest m = r.manifest();
        assertThat(m.seed()).isEqualTo(42);
        assertThat(m.canvasSize()).isEqualTo(75);
        assertThat(m.split(Split.TRAIN).count()).isEqualTo(500);
        assertThat(m.split(Split.VALIDATION).count()).isEqualTo(100);
        assertThat(m.split(Split.TRAIN).imagesSha256()).hasSize(64);
        assertThat(ds.manifest()).isEqualTo(m);
        assertThat(m.mismatches(42, settings(out, Map.of()).data(), null)).isEmpty();
        assertThat(m.mismatches(7, settings(out, Map.of("digitloc.data.canvas-size", 80)).data(), null))
                .containsExactly("seed 42 (wanted 7)", "canvas size 75 (wanted 80)");
        // no temporary left beside the output
        try (Stream<Path> siblings = Files.list(tmp)) {
            assertThat(siblings.map(p -> p.getFileName().toString())).containsExactly("canvases");
        }
    }

    @Test
    void rowsAreIdenticalWhateverTheShardCount() {
        Path a = tmp.resolve("a");
        Path b = tmp.resolve("b");
        generate(a, Map.of("digitloc.data.train-shards", 1, "digitloc.data.validation-shards", 1));
        generate(b, Map.of("digitloc.data.train-shards", 7, "digitloc.data.validation-shards", 3));
        for (Split split : Split.values()) {
            Dataset<Row> ra = CanvasDataset.open(spark, a.toString()).read(split);
            Dataset<Row> rb = CanvasDataset.open(spark, b.toString()).read(split);
            assertThat(ra.count()).isEqualTo(rb.count());
            assertThat(ra.except(rb).count()).isZero();
            assertThat(rb.except(ra).count()).isZero();
            List<Row> first = ra.orderBy("id").limit(3).collectAsList();
            List<Row> second = rb.orderBy("id").limit(3).collectAsList();
            for (int i = 0; i < 3; i++) {
                assertThat(second.get(i).<byte[]>getAs("pixels")).isEqualTo(first.get(i).<byte[]>getAs("pixels"));
            }
        }
    }

    @Test
    void limitsAndCanvasSizeAreApplied() {
        Path out = tmp.resolve("small");
        generate(out, Map.of("digitloc.data.train-limit", 30, "digitloc.data.validation-limit", 10,
                "digitloc.data.canvas-size", 40, "digitloc.data.train-shards", 50));
        CanvasDataset ds = CanvasDataset.open(spark, out.toString());
        assertThat(ds.read(Split.TRAIN).count()).isEqualTo(30);
        assertThat(ds.read(Split.VALIDATION).count()).isEqualTo(10);
        assertThat(ds.manifest().split(Split.TRAIN).shards()).isEqualTo(30);
        assertThat(ds.read(Split.TRAIN).first().<byte[]>getAs("pixels")).hasSize(40 * 40);
    }

    @Test
    void existingOutputIsRefusedOrReplacedAtomically() throws IOException {
        Path out = tmp.resolve("existing");
        generate(out, Map.of("digitloc.seed", 1));
        assertThatThrownBy(() -> generate(out, Map.of()))
                .isInstanceOf(DatasetException.class)
                .hasMessageContaining("already exists").hasMessageContaining("if-exists");
        assertThat(CanvasDataset.open(spark, out.toString()).manifest().seed()).isEqualTo(1);

        generate(out, Map.of("digitloc.data.if-exists", "replace", "digitloc.seed", 2));
        assertThat(CanvasDataset.open(spark, out.toString()).manifest().seed()).isEqualTo(2);
        try (Stream<Path> siblings = Files.list(tmp)) {
            assertThat(siblings.map(p -> p.getFileName().toString())).containsExactly("existing");
        }
    }

    @Test
    void badSourceFailsBeforeAnythingIsWritten() {
        Path broken = tmp.resolve("broken-mnist");
        IdxFixtures.mnistDir(broken, 20, 5);
        byte[] cut = IdxFixtures.images(20, 28, 28, 1);
        IdxFixtures.write(broken.resolve("train-images-idx3-ubyte"), java.util.Arrays.copyOf(cut, cut.length - 10));
        Path out = tmp.resolve("never");
        Map<String, Object> o = new HashMap<>();
        o.put("digitloc.data.mnist-dir", broken.toString());
        o.put("digitloc.data.dir", out.toString());
        assertThatThrownBy(() -> GenerateJob.plan(Settings.load(null, o)))
                .isInstanceOf(IdxFormatException.class).hasMessageContaining("train-images-idx3-ubyte")
                .hasMessageContaining("truncated");
        assertThat(out).doesNotExist();
    }

    @Test
    void readerRejectsAnIncompleteOrForeignDataset() throws IOException {
        Path noManifest = tmp.resolve("no-manifest");
        Files.createDirectories(noManifest.resolve("train"));
        assertThatThrownBy(() -> CanvasDataset.open(spark, noManifest.toString()))
                .isInstanceOf(DatasetException.class).hasMessageContaining("not a complete dataset");

        Path foreign = tmp.resolve("foreign");
        generate(foreign, Map.of());
        spark.range(5).toDF("id").write().mode("overwrite").parquet(foreign.resolve("train").toString());
        CanvasDataset ds = CanvasDataset.open(spark, foreign.toString());
        assertThatThrownBy(() -> ds.read(Split.TRAIN))
                .isInstanceOf(DatasetException.class)
                .hasMessageContaining("not a canvas dataset").hasMessageContaining("missing column 'label'");
    }
}
