package io.digitloc.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import io.digitloc.io.Json;
import io.digitloc.testing.Mnist;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Submits {@code pipeline} through submit.sh to a real standalone cluster (a Master and two
 * one-core Workers on 127.0.0.1, authenticated) and checks that training ran on both executors.
 */
class StandaloneClusterIT {
    static final Path ROOT = Path.of("").toAbsolutePath();
    static final Path DIR = ROOT.resolve("target/cluster-it");
    static final String SECRET = UUID.randomUUID().toString();
    static LocalStandaloneCluster cluster;

    @BeforeAll
    static void startCluster() throws Exception {
        deleteRecursively(DIR);
        cluster = new LocalStandaloneCluster(DIR, ROOT.resolve("target/spark-dist-classpath.txt"), SECRET);
        cluster.start(2, 1, "3g", Duration.ofSeconds(60));
    }

    @AfterAll
    static void stopCluster() throws IOException {
        if (cluster != null) {
            cluster.close();
        }
        // executors copy the 160 MB cluster jar into their work dirs
        deleteRecursively(DIR.resolve("work"));
    }

    @Test
    @Timeout(value = 10, unit = TimeUnit.MINUTES)
    void pipelineTrainsOnTwoExecutors() throws Exception {
        Path events = Files.createDirectories(DIR.resolve("events"));
        Path out = DIR.resolve("out");
        // relative paths, as a user types them: the driver qualifies them (its working directory is ROOT,
        // each executor's its own work directory)
        String rel = ROOT.relativize(out).toString();
        List<String> cmd = new ArrayList<>(List.of(ROOT.resolve("submit.sh").toString(),
                "--master", cluster.masterUrl(),
                "--executor-memory", "1500m",
                "--conf", "spark.eventLog.enabled=true",
                "--conf", "spark.eventLog.dir=file://" + events,
                "pipeline",
                "--mnist-dir", ROOT.relativize(Mnist.dir().toAbsolutePath()).toString(),
                "--data-dir", rel + "/data",
                "--train-limit", "640", "--validation-limit", "200",
                "--set", "data.train-shards=2",
                "--model-dir", rel + "/model",
                "--epochs", "2"));
        String log = awaitSuccess(submit(cmd, "submit.log"), "submit.log", 8);
        assertThat(log).contains("train: 2 epochs", "evaluate: 200 canvases");
        assertThat(Files.readString(out.resolve("model/metadata.json"))).contains("file:" + out.resolve("data"));

        JsonNode metrics = Json.MAPPER.readTree(out.resolve("model/metrics.json").toFile());
        assertThat(metrics.get("count").asLong()).isEqualTo(200);
        assertThat(out.resolve("model/model.zip")).isRegularFile();
        assertThat(out.resolve("model/report.html")).isRegularFile();

        // the event log: two executors joined, and the training stages ran tasks on both
        Path eventLog;
        try (Stream<Path> files = Files.list(events)) {
            eventLog = files.filter(Files::isRegularFile).findFirst().orElseThrow();
        }
        Set<String> executorsAdded = new HashSet<>();
        Set<Integer> trainingStages = new HashSet<>();
        Set<String> trainingExecutors = new HashSet<>();
        List<JsonNode> taskEnds = new ArrayList<>();
        for (String line : Files.readAllLines(eventLog)) {
            JsonNode e = Json.MAPPER.readTree(line);
            switch (e.get("Event").asText()) {
                case "SparkListenerExecutorAdded" -> executorsAdded.add(e.get("Executor ID").asText());
                case "SparkListenerStageSubmitted" -> {
                    JsonNode info = e.get("Stage Info");
                    if (info.get("Details").asText().contains("ParameterAveragingMaster")) {
                        trainingStages.add(info.get("Stage ID").asInt());
                    }
                }
                case "SparkListenerTaskEnd" -> taskEnds.add(e);
                default -> { }
            }
        }
        for (JsonNode e : taskEnds) {
            if (trainingStages.contains(e.get("Stage ID").asInt())) {
                trainingExecutors.add(e.get("Task Info").get("Executor ID").asText());
            }
        }
        assertThat(executorsAdded).as("executors that joined").hasSizeGreaterThanOrEqualTo(2);
        assertThat(trainingStages).as("stages of parameter-averaging training").isNotEmpty();
        assertThat(trainingExecutors).as("executors that ran training tasks").hasSize(2);

        // the trained model scores new data on the cluster through submit.sh (the score job)
        Path scored = out.resolve("scored");
        List<String> score = List.of(ROOT.resolve("submit.sh").toString(), "--master", cluster.masterUrl(),
                "--executor-memory", "1500m", "score", "--model", rel + "/model/model.zip",
                "--input", out.resolve("data/validation").toString(), "--out", scored.toString());
        String scoreLog = awaitSuccess(submit(score, "score.log"), "score.log", 5);
        assertThat(scoreLog).contains("score: 200 rows, 200 scored, 0 unscored");
        assertThat(Json.MAPPER.readTree(scored.resolve("_score.json").toFile()).get("scored").asLong()).isEqualTo(200);
        try (Stream<Path> parts = Files.list(scored)) {
            assertThat(parts.filter(f -> f.getFileName().toString().endsWith(".parquet")).count()).isPositive();
        }
    }

    /**
     * Fault test: an executor JVM is killed in the middle of a retrain on the cluster, while the second
     * epoch's barrier stage trains. Spark notices the lost executor, the Worker starts a replacement, the
     * surviving worker's wait for its peer fails at once, and the barrier stage is retried, which starts
     * from the latest average the driver holds; so the run finishes. The champion seeded before the run
     * stays intact whether or not the new run is promoted.
     */
    @Test
    @Timeout(value = 10, unit = TimeUnit.MINUTES)
    void retrainSurvivesAnExecutorKilledMidTraining() throws Exception {
        Path registry = DIR.resolve("registry");
        Path seed = registry.resolve("runs/20260101-000000-seed");
        Files.createDirectories(seed);
        Files.writeString(seed.resolve("marker.txt"), "the champion before the fault");
        Files.writeString(registry.resolve("champion.json"),
                "{\"run\": \"20260101-000000-seed\", \"promotedAt\": \"2026-01-01T00:00:00Z\", \"reason\": \"seed\"}");
        Path out = DIR.resolve("fault");
        List<String> cmd = List.of(ROOT.resolve("submit.sh").toString(), "--master", cluster.masterUrl(),
                "--executor-memory", "1500m", "retrain", "--registry", registry.toString(),
                "--mnist-dir", Mnist.dir().toAbsolutePath().toString(), "--data-dir", out.resolve("data").toString(),
                "--train-limit", "2560", "--validation-limit", "200", "--set", "data.train-shards=2",
                "--set", "train.checkpoint-rounds=2",
                "--epochs", "3", "--averaging-frequency", "2");
        Process submit = submit(cmd, "fault.log");

        // wait until the first epoch is checkpointed: the second one's barrier stage starts at once (the
        // workers make its batches from the digit packs), so kill one executor a second into it, while it trains
        Path runs = registry.resolve("runs");
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(5);
        boolean training = false;
        while (!training && System.nanoTime() < deadline && submit.isAlive()) {
            try (Stream<Path> s = Files.list(runs)) {
                training = s.anyMatch(p -> Files.exists(p.resolve("checkpoints/epoch-0001.zip")));
            }
            Thread.sleep(100);
        }
        assertThat(training).as(Files.readString(DIR.resolve("logs/fault.log"))).isTrue();
        Thread.sleep(1_000);
        List<ProcessHandle> executors = cluster.executors();
        assertThat(executors).isNotEmpty();
        executors.get(0).destroyForcibly();

        boolean done = submit.waitFor(8, TimeUnit.MINUTES);
        String log = Files.readString(DIR.resolve("logs/fault.log"));
        assertThat(done).as(log).isTrue();
        // Spark re-ran the tasks lost with the executor, so the run finished rather than failed; the seeded
        // champion has no readable metrics.json, which counts as no champion, so the new run is promoted (0).
        assertThat(submit.exitValue()).as(log).isZero();
        System.out.println("fault test: the kill " + (log.contains("retrying from the latest average")
                ? "failed a barrier stage, which was retried" : "fell between stages"));
        assertThat(seed.resolve("marker.txt")).hasContent("the champion before the fault");
        try (Stream<Path> s = Files.list(runs)) {
            Path run = s.filter(p -> !p.getFileName().toString().startsWith(".")
                    && !p.getFileName().toString().endsWith("-seed")).findFirst().orElseThrow();
            assertThat(Files.readString(registry.resolve("champion.json")))
                    .contains("\"run\" : \"" + run.getFileName() + "\"");
            for (int e = 1; e <= 3; e++) {
                assertThat(run.resolve("checkpoints/epoch-000" + e + ".zip")).isRegularFile();
            }
            assertThat(run.resolve("metrics.json")).isRegularFile();
        }
    }

    /**
     * A driver with a secret other than the cluster's: refused before its Spark context is made, at once
     * (rather than after Spark's 60 s of registration attempts ending in "LiveListenerBus is stopped"),
     * with one message naming the secret's setting and the master, and exit code 2; nothing written.
     */
    @Test
    @Timeout(value = 3, unit = TimeUnit.MINUTES)
    void aWrongSecretIsNamedAtOnce() throws Exception {
        Path data = DIR.resolve("wrong-secret/data");
        List<String> cmd = List.of(ROOT.resolve("submit.sh").toString(), "--master", cluster.masterUrl(),
                "--executor-memory", "1500m", "generate", "--mnist-dir", Mnist.dir().toAbsolutePath().toString(),
                "--data-dir", data.toString(), "--train-limit", "64", "--validation-limit", "64");
        String wrong = UUID.randomUUID().toString();
        long start = System.nanoTime();
        Process p = submit(cmd, "wrong-secret.log", wrong);
        boolean done = p.waitFor(2, TimeUnit.MINUTES);
        double seconds = (System.nanoTime() - start) / 1e9;
        String log = Files.readString(DIR.resolve("logs/wrong-secret.log"));
        p.destroyForcibly().waitFor();
        System.out.printf("wrong secret: exit %s after %.1f s%n", done ? p.exitValue() : "none", seconds);
        assertThat(done).as(log).isTrue();
        assertThat(p.exitValue()).as(log).isEqualTo(2);
        assertThat(log).contains("error: the standalone master " + cluster.masterUrl() + " refused this driver's "
                + "authentication", "spark.authenticate.secret").doesNotContain("LiveListenerBus", SECRET, wrong);
        // the submit's own start (two JVMs) takes seconds; Spark's registration attempts alone took 60 s
        assertThat(seconds).isLessThan(45);
        assertThat(data).doesNotExist();
    }

    static void deleteRecursively(Path p) throws IOException {
        if (!Files.exists(p)) {
            return;
        }
        try (Stream<Path> all = Files.walk(p)) {
            all.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
        }
    }

    /** Starts submit.sh (its embedded SparkSubmit path) with the cluster's secret, logging to logs/{@code log}. */
    private static Process submit(List<String> cmd, String log) throws IOException {
        return submit(cmd, log, SECRET);
    }

    private static Process submit(List<String> cmd, String log, String secret) throws IOException {
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(ROOT.toFile()).redirectErrorStream(true)
                .redirectOutput(DIR.resolve("logs").resolve(log).toFile());
        pb.environment().remove("SPARK_HOME"); // the embedded SparkSubmit path of submit.sh
        pb.environment().put("_SPARK_AUTH_SECRET", secret);
        return pb.start();
    }

    /** Waits for {@code p} to exit 0 within {@code minutes} (killed otherwise) and returns its log. */
    private static String awaitSuccess(Process p, String log, int minutes) throws Exception {
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
