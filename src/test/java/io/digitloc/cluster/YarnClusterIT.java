package io.digitloc.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import io.digitloc.io.HadoopConf;
import io.digitloc.io.Json;
import io.digitloc.registry.ModelRegistry;
import io.digitloc.testing.Mnist;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.yarn.api.records.ApplicationReport;
import org.apache.hadoop.yarn.api.records.FinalApplicationStatus;
import org.apache.hadoop.yarn.api.records.YarnApplicationState;
import org.apache.hadoop.yarn.client.api.YarnClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The pipeline on YARN and HDFS, both real (Hadoop's mini clusters in this JVM), submitted through
 * submit.sh as a user does: generate → train on two executors in YARN containers → evaluate, every
 * path on hdfs:// (client mode, authentication and encryption on); then {@code retrain} in cluster mode
 * against a registry on HDFS, and {@code score} over HDFS Parquet. YARN's own application reports and
 * the containers' logs say where things ran; the outputs are read back from HDFS.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class YarnClusterIT {
    static final Path ROOT = Path.of("").toAbsolutePath();
    static final Path DIR = ROOT.resolve("target/yarn-it");
    static LocalYarnCluster cluster;
    static YarnClient yarn;
    static String hdfs;

    @BeforeAll
    static void startCluster() throws Exception {
        StandaloneClusterIT.deleteRecursively(DIR);
        Files.createDirectories(DIR.resolve("logs"));
        cluster = new LocalYarnCluster(DIR);
        cluster.start(10240);
        hdfs = cluster.hdfsUri();
        FileSystem fs = cluster.fileSystem();
        fs.mkdirs(new org.apache.hadoop.fs.Path("/mnist"));
        try (Stream<Path> files = Files.list(Mnist.dir())) {
            for (Path f : files.filter(Files::isRegularFile).toList()) {
                fs.copyFromLocalFile(new org.apache.hadoop.fs.Path(f.toAbsolutePath().toString()),
                        new org.apache.hadoop.fs.Path("/mnist/" + f.getFileName()));
            }
        }
        yarn = YarnClient.createYarnClient();
        yarn.init(cluster.yarnConf());
        yarn.start();
    }

    @AfterAll
    static void stopCluster() {
        if (yarn != null) {
            yarn.stop();
        }
        if (cluster != null) {
            cluster.close();
        }
    }

    @Test
    @Order(1)
    @Timeout(value = 12, unit = TimeUnit.MINUTES)
    void pipelineRunsInYarnContainersOnHdfs() throws Exception {
        String log = submit("pipeline.log", 10, "client", "pipeline",
                "--mnist-dir", hdfs + "/mnist", "--data-dir", hdfs + "/digitloc/data",
                "--train-limit", "640", "--validation-limit", "200", "--set", "data.train-shards=2",
                "--model-dir", hdfs + "/digitloc/model", "--epochs", "2");
        assertThat(log).contains("train: 2 epochs", "evaluate: 200 canvases");

        ApplicationReport app = onlyNewApplication(0);
        assertThat(app.getYarnApplicationState()).isEqualTo(YarnApplicationState.FINISHED);
        assertThat(app.getFinalApplicationStatus()).isEqualTo(FinalApplicationStatus.SUCCEEDED);
        List<String> executors = containerLogs(app).stream()
                .filter(l -> l.contains("Successfully registered with driver")).toList();
        assertThat(executors).as("containers that ran an executor").hasSize(2);
        assertThat(executors).as("spark.authenticate on in each executor (conf/spark/yarn.conf)")
                .allSatisfy(l -> assertThat(l).contains("SecurityManager: authentication enabled"));

        FileSystem fs = cluster.fileSystem();
        JsonNode metrics = Json.MAPPER.readTree(read(fs, "/digitloc/model/metrics.json"));
        assertThat(metrics.get("count").asLong()).isEqualTo(200);
        for (String f : List.of("model.zip", "report.html", "history.json", "metadata.json")) {
            assertThat(fs.isFile(new org.apache.hadoop.fs.Path("/digitloc/model/" + f))).as(f).isTrue();
        }
        assertThat(fs.listStatus(new org.apache.hadoop.fs.Path("/digitloc/model/checkpoints"))).isNotEmpty();
        assertThat(fs.listStatus(new org.apache.hadoop.fs.Path("/digitloc/model/tensorboard"))).isNotEmpty();
        assertThat(fs.listStatus(new org.apache.hadoop.fs.Path("/digitloc/data/train"))).isNotEmpty();
        // the barrier engine's tasks met and averaged between the two YARN containers
        assertThat(read(fs, "/digitloc/model/metadata.json")).contains("yarn");
    }

    @Test
    @Order(2)
    @Timeout(value = 12, unit = TimeUnit.MINUTES)
    void retrainInClusterModeThenScoreOverHdfs() throws Exception {
        int before = yarn.getApplications().size();
        String registry = hdfs + "/digitloc/registry";
        submit("retrain.log", 10, "cluster", "retrain", "--registry", registry,
                "--mnist-dir", hdfs + "/mnist", "--data-dir", hdfs + "/digitloc/data",
                "--train-limit", "640", "--validation-limit", "200", "--set", "data.train-shards=2",
                "--set", "retrain.promote-metrics=[iou_at_0.5]", "--epochs", "1");
        ApplicationReport app = onlyNewApplication(before);
        assertThat(app.getYarnApplicationState()).isEqualTo(YarnApplicationState.FINISHED);
        assertThat(app.getFinalApplicationStatus()).isEqualTo(FinalApplicationStatus.SUCCEEDED);
        // in cluster mode the driver runs in the application master's container: its log is YARN's
        assertThat(containerLogs(app)).as("the containers' logs")
                .anySatisfy(l -> assertThat(l).contains("promoted to champion"));
        ModelRegistry r = new ModelRegistry(registry, new HadoopConf(cluster.yarnConf()));
        assertThat(r.champion()).isPresent();
        org.apache.hadoop.fs.Path model = r.championModel();
        assertThat(cluster.fileSystem().isFile(model)).isTrue();

        String scored = hdfs + "/digitloc/scored";
        String log = submit("score.log", 8, "client", "score", "--model", model.toString(),
                "--input", hdfs + "/digitloc/data/validation", "--out", scored);
        assertThat(log).contains("score: 200 rows, 200 scored, 0 unscored");
        JsonNode summary = Json.MAPPER.readTree(read(cluster.fileSystem(), "/digitloc/scored/_score.json"));
        assertThat(summary.get("scored").asLong()).isEqualTo(200);
        assertThat(Arrays.stream(cluster.fileSystem().listStatus(new org.apache.hadoop.fs.Path("/digitloc/scored")))
                .filter(s -> s.getPath().getName().endsWith(".parquet")).count()).isPositive();
    }

    /** The one application YARN accepted since {@code before} were known, once it has ended. */
    private static ApplicationReport onlyNewApplication(int before) throws Exception {
        List<ApplicationReport> apps = new ArrayList<>(yarn.getApplications());
        apps.sort(Comparator.comparing(a -> a.getApplicationId().getId()));
        assertThat(apps).hasSize(before + 1);
        return ended(apps.get(apps.size() - 1));
    }

    /**
     * The application's report once YARN has it in a final state: in client mode spark-submit returns
     * when the driver stops, while the application master unregisters a moment later.
     */
    private static ApplicationReport ended(ApplicationReport app) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(2);
        ApplicationReport report = app;
        while (!FINAL_STATES.contains(report.getYarnApplicationState()) && System.nanoTime() < deadline) {
            Thread.sleep(250);
            report = yarn.getApplicationReport(app.getApplicationId());
        }
        return report;
    }

    private static final Set<YarnApplicationState> FINAL_STATES = EnumSet.of(
            YarnApplicationState.FINISHED, YarnApplicationState.FAILED, YarnApplicationState.KILLED);

    /** Every container's logs of an application, one string each. */
    private static List<String> containerLogs(ApplicationReport app) throws IOException {
        Path dir = cluster.containerLogs().resolve(app.getApplicationId().toString());
        List<String> logs = new ArrayList<>();
        try (Stream<Path> containers = Files.list(dir)) {
            for (Path c : containers.toList()) {
                logs.add(text(c));
            }
        }
        return logs;
    }

    private static String text(Path container) throws IOException {
        StringBuilder all = new StringBuilder();
        try (Stream<Path> files = Files.list(container)) {
            for (Path f : files.filter(Files::isRegularFile).toList()) {
                all.append(Files.readString(f, StandardCharsets.ISO_8859_1));
            }
        }
        return all.toString();
    }

    private static String read(FileSystem fs, String path) throws IOException {
        try (InputStream in = fs.open(new org.apache.hadoop.fs.Path(path))) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    /**
     * Runs submit.sh --master yarn in {@code deployMode} with two one-core executors, YARN's
     * configuration in HADOOP_CONF_DIR, and the Spark jars as local: paths on the one node.
     */
    private static String submit(String log, int minutes, String deployMode, String... job) throws Exception {
        String jars = Arrays.stream(Files.readString(ROOT.resolve("target/spark-dist-classpath.txt")).trim()
                .split(java.io.File.pathSeparator)).map(j -> "local:" + j).collect(Collectors.joining(","));
        String javaHome = System.getProperty("java.home");
        List<String> cmd = new ArrayList<>(List.of(ROOT.resolve("submit.sh").toString(),
                "--master", "yarn", "--deploy-mode", deployMode,
                "--num-executors", "2", "--executor-cores", "1", "--executor-memory", "1200m",
                "--driver-memory", "1500m",
                "--conf", "spark.executor.memoryOverhead=1000m", "--conf", "spark.driver.memoryOverhead=1000m",
                "--conf", "spark.task.cpus=1",
                "--conf", "spark.executorEnv.OMP_NUM_THREADS=1", "--conf", "spark.executorEnv.SD_MAX_THREADS=1",
                "--conf", "spark.executorEnv.SD_MASTER_THREADS=1", "--conf", "spark.yarn.appMasterEnv.OMP_NUM_THREADS=1",
                "--conf", "spark.yarn.jars=" + jars,
                "--conf", "spark.executorEnv.JAVA_HOME=" + javaHome,
                "--conf", "spark.yarn.appMasterEnv.JAVA_HOME=" + javaHome,
                "--conf", "spark.yarn.am.memory=512m"));
        cmd.addAll(List.of(job));
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(ROOT.toFile()).redirectErrorStream(true)
                .redirectOutput(DIR.resolve("logs").resolve(log).toFile());
        pb.environment().remove("SPARK_HOME"); // the embedded SparkSubmit of submit.sh
        pb.environment().put("HADOOP_CONF_DIR", cluster.confDir().toString());
        pb.environment().put("HADOOP_USER_NAME", System.getProperty("user.name"));
        Process p = pb.start();
        boolean done = p.waitFor(minutes, TimeUnit.MINUTES);
        String text = Files.readString(DIR.resolve("logs").resolve(log));
        if (!done) {
            p.toHandle().descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
        }
        assertThat(done).as("%s finished in time:%n%s", log, text).isTrue();
        assertThat(p.exitValue()).as(text).isZero();
        return text;
    }
}
