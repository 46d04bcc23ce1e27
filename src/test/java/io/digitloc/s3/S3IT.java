package io.digitloc.s3;

import io.digitloc.io.HadoopConf;
import io.digitloc.testing.Cli;
import io.digitloc.testing.Mnist;
import io.digitloc.testing.S3Server;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.FileUtil;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every path of the pipeline on s3a://, against s3proxy on 127.0.0.1 (filesystem backend): {@code pipeline}
 * (generate, train, evaluate) with the MNIST files, the dataset and the model in a bucket, {@code score}
 * over the bucket's validation split (row for row what the same model scores from local copies), and
 * {@code export} into the bucket. Parquet goes through S3A's directory committer, set as conf/spark/s3a.conf
 * ships it. Then what must be refused: a registry on S3 (no atomic create), a missing bucket, an endpoint
 * that refuses connections, wrong credentials, each with one message and nothing written. Spark runs
 * embedded (local[2]) in this JVM, as scripts/digitloc runs it; the S3A settings are system properties
 * {@code spark.hadoop.fs.s3a.*}, as spark-submit's {@code --conf} would set them.
 */
@Timeout(value = 10, unit = TimeUnit.MINUTES)
class S3IT {
    private static final String BUCKET = "digitloc";
    private static final String ROOT = "s3a://" + BUCKET;
    private static final List<String> PROPERTIES = new ArrayList<>();

    @TempDir
    static Path tmp;
    static S3Server server;

    @BeforeAll
    static void start() throws Exception {
        SparkSession.getDefaultSession().foreach(s -> {
            s.stop();
            return null;
        });
        server = S3Server.start(Files.createDirectories(tmp.resolve("s3")));
        server.createBucket(BUCKET);
        server.sparkProperties(server.endpoint(), tmp).forEach(S3IT::property);
        FileSystem s3 = fs();
        for (String name : List.of("train-images-idx3-ubyte", "train-labels-idx1-ubyte", "t10k-images-idx3-ubyte",
                "t10k-labels-idx1-ubyte")) {
            s3.copyFromLocalFile(new org.apache.hadoop.fs.Path(Mnist.dir().resolve(name).toUri()),
                    new org.apache.hadoop.fs.Path(ROOT + "/mnist/" + name));
        }
    }

    @AfterAll
    static void stop() throws Exception {
        SparkSession.getDefaultSession().foreach(s -> {
            s.stop();
            return null;
        });
        PROPERTIES.forEach(System::clearProperty);
        FileSystem.closeAll();
        if (server != null) {
            server.close();
        }
    }

    @Test
    void pipelineScoreAndExportOnS3() throws Exception {
        Cli.Run pipeline = Cli.run("pipeline", "--master", "local[2]", "--mnist-dir", ROOT + "/mnist",
                "--data-dir", ROOT + "/data", "--model-dir", ROOT + "/runs/r1", "--train-limit", "320",
                "--validation-limit", "100", "--set", "data.train-shards=2", "--set", "data.validation-shards=2", "--epochs", "1",
                "--eval-limit", "100");
        assertThat(pipeline.code()).as(pipeline.err()).isZero();
        FileSystem s3 = fs();
        assertThat(s3.exists(path("/data/_manifest.json"))).isTrue();
        assertThat(read(s3, "/runs/r1/metadata.json")).doesNotContain(S3Server.SECRET_KEY, S3Server.ACCESS_KEY);
        assertThat(s3.exists(path("/runs/r1/metrics.json"))).isTrue();
        // S3A committers write a JSON _SUCCESS naming themselves (FileOutputCommitter's is empty)
        assertThat(read(s3, "/data/validation/_SUCCESS")).contains("\"committer\" : \"directory\"");

        Cli.Run score = scoresAsLocally(s3);

        Cli.Run export = Cli.run("export", "--model", ROOT + "/runs/r1", "--out", ROOT + "/exports/model.onnx");
        assertThat(export.code()).as(export.err()).isZero();
        assertThat(s3.getFileStatus(path("/exports/model.onnx")).getLen()).isPositive();

        // nothing temporary left: no object under a .tmp-, .old- or .inprogress name. s3proxy's filesystem
        // backend still lists score's temporary name at the bucket's root as an empty prefix, with no object
        // under it (its directory on disk outlives the objects): that one name is let through.
        List<String> files = new ArrayList<>();
        for (var it = s3.listFiles(path("/"), true); it.hasNext(); ) {
            files.add(it.next().getPath().toString().substring(ROOT.length()));
        }
        assertThat(files).noneMatch(f -> f.matches(".*/\\.[^/]*(\\.tmp-|\\.old-|\\.inprogress).*"))
                .contains("/runs/r1/model.zip", "/runs/r1/metadata.json", "/data/_manifest.json", "/scored/_score.json");
        List<String> top = List.of("mnist", "data", "score-data", "runs", "scored", "exports");
        assertThat(names(s3, path("/"))).containsAll(top).allMatch(n -> top.contains(n) || n.startsWith(".scored.tmp-"));
        assertThat(names(s3, path("/runs"))).containsExactly("r1");
        assertThat(names(s3, path("/exports"))).containsExactly("model.onnx");
        for (Cli.Run r : List.of(pipeline, score, export)) {
            assertThat(r.out() + r.err()).doesNotContain(S3Server.SECRET_KEY);
        }
    }

    /**
     * 10,000 validation canvases (the smallest generate that makes them: one train canvas) scored from the
     * bucket and from a local copy with the same model: the same rows, every column equal.
     */
    private static Cli.Run scoresAsLocally(FileSystem s3) throws IOException {
        Cli.Run generate = Cli.run("generate", "--master", "local[2]", "--mnist-dir", ROOT + "/mnist",
                "--data-dir", ROOT + "/score-data", "--train-limit", "1", "--validation-limit", "10000");
        assertThat(generate.code()).as(generate.err()).isZero();
        Cli.Run score = Cli.run("score", "--master", "local[2]", "--input", ROOT + "/score-data/validation",
                "--model", ROOT + "/runs/r1/model.zip", "--out", ROOT + "/scored");
        assertThat(score.code()).as(score.err()).isZero();
        assertThat(score.out()).contains("score: 10000 rows, 10000 scored, 0 unscored");
        assertThat(read(s3, "/scored/_score.json")).contains("\"scored\" : 10000");

        FileSystem local = FileSystem.getLocal(HadoopConf.local().get());
        Path copies = Files.createDirectories(tmp.resolve("copies"));
        FileUtil.copy(s3, path("/score-data/validation"), local,
                new org.apache.hadoop.fs.Path(copies.resolve("validation").toUri()), false, HadoopConf.local().get());
        s3.copyToLocalFile(path("/runs/r1/model.zip"), new org.apache.hadoop.fs.Path(copies.resolve("model.zip").toUri()));
        Cli.Run localScore = Cli.run("score", "--master", "local[2]", "--input", copies.resolve("validation").toString(),
                "--model", copies.resolve("model.zip").toString(), "--out", copies.resolve("scored").toString());
        assertThat(localScore.code()).as(localScore.err()).isZero();
        SparkSession spark = SparkSession.active();
        Dataset<Row> fromS3 = spark.read().parquet(ROOT + "/scored");
        Dataset<Row> fromLocal = spark.read().parquet(copies.resolve("scored").toString());
        assertThat(fromS3.schema()).isEqualTo(fromLocal.schema());
        List<Row> s3Rows = fromS3.orderBy("id").collectAsList();
        assertThat(s3Rows).hasSize(10_000).isEqualTo(fromLocal.orderBy("id").collectAsList());
        System.out.printf("score: %d rows of %d columns equal from s3a:// and from a local copy%n", s3Rows.size(),
                fromS3.schema().size());
        return score;
    }

    @Test
    void retrainRefusesARegistryOnS3() {
        Cli.Run r = Cli.run("retrain", "--master", "local[2]", "--registry", ROOT + "/registry",
                "--mnist-dir", ROOT + "/mnist", "--data-dir", ROOT + "/retrain-data");
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).contains("digitloc.retrain.registry", "--registry", ROOT + "/registry",
                "no atomic create-if-absent", "HDFS", "POSIX");
    }

    @Test
    void aMissingBucketFailsAtOnceNamingThePath() throws IOException {
        Cli.Run r = Cli.run("generate", "--master", "local[2]", "--mnist-dir", Mnist.dir().toString(),
                "--data-dir", "s3a://no-such-bucket/data");
        assertThat(r.code()).isEqualTo(1);
        assertThat(r.err()).contains("digitloc.data.dir", "s3a://no-such-bucket/data", "bucket does not exist",
                "fs.s3a.endpoint");
    }

    @Test
    void anEndpointThatRefusesConnectionsFailsAfterBoundedRetries() throws IOException {
        String good = System.getProperty("spark.hadoop.fs.s3a.endpoint");
        System.setProperty("spark.hadoop.fs.s3a.endpoint", "http://127.0.0.1:" + S3Server.freePort());
        long start = System.nanoTime();
        try {
            // another bucket name: Hadoop caches a filesystem per bucket, and this one must see the bad endpoint
            Cli.Run r = Cli.run("generate", "--master", "local[2]", "--mnist-dir", Mnist.dir().toString(),
                    "--data-dir", "s3a://elsewhere/data");
            assertThat(r.code()).isEqualTo(1);
            assertThat(r.err()).contains("digitloc.data.dir", "s3a://elsewhere/data", "nothing answered",
                    "fs.s3a.endpoint", "fs.s3a.attempts.maximum = 2", "fs.s3a.retry.limit = 2", " s)");
        } finally {
            System.setProperty("spark.hadoop.fs.s3a.endpoint", good);
        }
        assertThat(TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - start)).isLessThan(60);
    }

    @Test
    void wrongCredentialsAreRefusedAndNothingIsWritten() throws IOException {
        server.createBucket("denied");
        String good = System.getProperty("spark.hadoop.fs.s3a.secret.key");
        System.setProperty("spark.hadoop.fs.s3a.secret.key", "not-the-secret");
        try {
            Cli.Run r = Cli.run("generate", "--master", "local[2]", "--mnist-dir", Mnist.dir().toString(),
                    "--data-dir", "s3a://denied/data");
            assertThat(r.code()).isEqualTo(1);
            assertThat(r.err()).contains("digitloc.data.dir", "s3a://denied/data", "refused the credentials",
                    "fs.s3a.secret.key").doesNotContain("not-the-secret");
        } finally {
            System.setProperty("spark.hadoop.fs.s3a.secret.key", good);
        }
        assertThat(server.objects("denied")).isEmpty();
    }

    private static void property(String key, String value) {
        System.setProperty(key, value);
        PROPERTIES.add(key);
    }

    private static FileSystem fs() throws IOException {
        return fs(ROOT + "/");
    }

    private static FileSystem fs(String uri) throws IOException {
        return new org.apache.hadoop.fs.Path(uri).getFileSystem(HadoopConf.local().get());
    }

    private static org.apache.hadoop.fs.Path path(String key) {
        return new org.apache.hadoop.fs.Path(ROOT + key);
    }

    private static String read(FileSystem fs, String key) throws IOException {
        try (InputStream in = fs.open(path(key))) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    private static List<String> names(FileSystem fs, org.apache.hadoop.fs.Path dir) throws IOException {
        return Arrays.stream(fs.listStatus(dir)).map(FileStatus::getPath).map(org.apache.hadoop.fs.Path::getName).toList();
    }

}
