package io.digitloc.s3;

import io.digitloc.data.CanvasDataset;
import io.digitloc.data.Split;
import io.digitloc.io.HadoopConf;
import io.digitloc.run.TrainingMetadata;
import io.digitloc.score.ScoreJob;
import io.digitloc.testing.CliProcess;
import io.digitloc.testing.CopyGate;
import io.digitloc.testing.Mnist;
import io.digitloc.testing.S3Server;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The real commands as separate JVMs (as a scheduler starts them) writing to s3a:// on s3proxy.
 *
 * <p>Killed mid-copy: on S3 a rename copies object by object, so a run killed during the rename that
 * publishes its output leaves part of it in the final place. {@code generate} (the dataset), {@code train}
 * (the model directory) and {@code score} (the score output) are each killed with SIGKILL at chosen points:
 * the S3 traffic goes through a {@link CopyGate}, which lets the first n server-side copies into the final
 * place through and holds the next one, and the process is killed while it waits. So every kill point is
 * "after exactly n objects of the output were copied", by count, not by timing: watching the bucket and
 * killing when an object appears raced S3A's ten parallel copies of small objects, which all land in a
 * few milliseconds. The points: the dataset (6 objects, then its manifest) after its 1st and 3rd object,
 * the model directory (7, then metadata.json) after its 2nd, the score output (2, then _score.json) after
 * its 1st and after its 2nd, where the next copy is the marker's own (written under a temporary name and
 * renamed, which on S3 is a copy too). After each kill, the product's reader of that output refuses it,
 * naming the missing marker, and the same command run again publishes a complete output.
 *
 * <p>Two retrains at once on an S3 registry: both are refused (exit 2, the message naming the setting)
 * before Spark starts, and nothing is written to the bucket, in each of 10 rounds.
 */
@Timeout(value = 10, unit = TimeUnit.MINUTES)
class S3ProcessIT {
    private static final String BUCKET = "processes";
    private static final String ROOT = "s3a://" + BUCKET;
    private static final List<String> PROPERTIES = new ArrayList<>();

    @TempDir
    static java.nio.file.Path tmp;
    static S3Server server;
    static CopyGate gate;
    static List<String> childOptions;
    static List<String> quickOptions;
    static HadoopConf conf;
    static int kills;

    @BeforeAll
    static void start() throws Exception {
        server = S3Server.start(Files.createDirectories(tmp.resolve("s3")));
        server.createBucket(BUCKET);
        gate = CopyGate.start(server.port());
        childOptions = new ArrayList<>(server.javaOptions(gate.endpoint(), tmp));
        childOptions.add("-Dspark.ui.enabled=false");
        quickOptions = new ArrayList<>(childOptions);
        quickOptions.add("-XX:TieredStopAtLevel=1"); // starts faster; not for train, whose Vector API layers need C2
        // this JVM reads the bucket directly, not through the gate
        server.sparkProperties(server.endpoint(), tmp).forEach((k, v) -> {
            System.setProperty(k, v);
            PROPERTIES.add(k);
        });
        conf = HadoopConf.local();
    }

    @AfterAll
    static void stop() throws Exception {
        PROPERTIES.forEach(System::clearProperty);
        FileSystem.closeAll();
        if (gate != null) {
            gate.close();
        }
        if (server != null) {
            server.close();
        }
    }

    @Test
    void noOutputKilledMidCopyLooksComplete() throws Throwable {
        String[] generate = {"generate", "--mnist-dir", Mnist.dir().toString(), "--data-dir", ROOT + "/data",
                "--train-limit", "256", "--validation-limit", "64", "--set", "data.train-shards=2",
                "--set", "data.validation-shards=2", "--if-exists", "replace"};
        ThrowingCallable dataset = () -> CanvasDataset.readManifest(ROOT + "/data", conf);
        killAt("data", 1, generate, dataset, "has no _manifest.json", "not a complete dataset");
        killAt("data", 3, generate, dataset, "has no _manifest.json", "not a complete dataset");
        completes("data", generate, dataset);
        assertThat(CanvasDataset.readManifest(ROOT + "/data", conf).split(Split.VALIDATION).count()).isEqualTo(64);

        String[] train = {"train", "--data-dir", ROOT + "/data", "--model-dir", ROOT + "/runs/r1", "--epochs", "1",
                "--if-exists", "replace"};
        ThrowingCallable model = () -> TrainingMetadata.requireComplete(new Path(ROOT + "/runs/r1"), conf);
        killAt("runs/r1", 2, train, model, "has no metadata.json", "not a complete model directory");
        completes("runs/r1", train, model);

        String[] score = {"score", "--input", ROOT + "/data/validation", "--model", ROOT + "/runs/r1/model.zip",
                "--out", ROOT + "/scored", "--overwrite"};
        ThrowingCallable scored = () -> ScoreJob.requireComplete(new Path(ROOT + "/scored"), conf);
        killAt("scored", 1, score, scored, "has no _score.json", "not a complete score output");
        killAt("scored", 2, score, scored, "has no _score.json", "not a complete score output");
        completes("scored", score, scored);
        assertThat(ScoreJob.requireComplete(new Path(ROOT + "/scored"), conf)).containsEntry("scored", 64);
        System.out.printf("kill points: %d, outputs that looked complete after a kill: 0%n", kills);
    }

    @Test
    void twoRetrainsAtOnceOnAnS3RegistryAreBothRefused() throws Exception {
        gate.limit("/", Integer.MAX_VALUE);
        String[] retrain = {"retrain", "--registry", ROOT + "/registry", "--mnist-dir", Mnist.dir().toString(),
                "--data-dir", ROOT + "/retrain-data", "--train-limit", "256", "--validation-limit", "64", "--epochs", "1"};
        int refused = 0;
        for (int round = 1; round <= 10; round++) {
            List<Process> both = new ArrayList<>();
            List<java.nio.file.Path> logs = List.of(tmp.resolve("retrain-" + round + "a.log"),
                    tmp.resolve("retrain-" + round + "b.log"));
            for (java.nio.file.Path log : logs) {
                both.add(CliProcess.start(log, quickOptions, retrain));
            }
            for (int i = 0; i < 2; i++) {
                boolean done = both.get(i).waitFor(2, TimeUnit.MINUTES);
                both.get(i).destroyForcibly().waitFor();
                String log = Files.readString(logs.get(i));
                assertThat(done && both.get(i).exitValue() == 2).as("round %d: exit 2:%n%s", round, log).isTrue();
                // refused before anything else: no lock, no data, no Spark
                assertThat(log).contains("digitloc.retrain.registry", ROOT + "/registry", "no atomic create-if-absent")
                        .doesNotContain("generate:", "train:");
                refused++;
            }
        }
        System.out.printf("retrain on an S3 registry: %d of 20 runs (10 rounds of two at once) refused with exit 2%n",
                refused);
        assertThat(server.objects(BUCKET)).noneMatch(k -> k.startsWith("registry") || k.startsWith("retrain-data"));
    }

    /**
     * Runs {@code command} until n objects are copied into {@code key}, kills it there, and checks that the
     * part copied is in place and that {@code reader} refuses it with {@code message}.
     */
    private static void killAt(String key, int n, String[] command, ThrowingCallable reader, String... message)
            throws Exception {
        gate.limit("/" + BUCKET + "/" + key + "/", n);
        java.nio.file.Path log = tmp.resolve(command[0] + "-kill-" + n + ".log");
        Process p = CliProcess.start(log, options(command), command);
        try {
            boolean held = gate.awaitHeld(p, 240);
            assertThat(held).as("%s held at copy %d:%n%s", command[0], n + 1, Files.readString(log)).isTrue();
        } finally {
            p.destroyForcibly().waitFor();
        }
        // what the copies put there (a hidden temporary of the marker, written before its own copy, aside)
        List<String> copied = under(key).stream().filter(k -> !k.substring(k.lastIndexOf('/') + 1).startsWith(".")).toList();
        System.out.printf("kill point: %s killed at copy %d into %s, %d objects there%n", command[0], n + 1, key,
                copied.size());
        assertThat(copied).as("objects copied into %s", key).hasSize(n);
        assertThatThrownBy(reader).hasMessageContainingAll(message).hasMessageContaining(ROOT + "/" + key);
        kills++;
    }

    /** The same command, not stopped: it exits 0 and the reader takes its output. */
    private static void completes(String key, String[] command, ThrowingCallable reader) throws Throwable {
        gate.limit("/", Integer.MAX_VALUE);
        java.nio.file.Path log = tmp.resolve(command[0] + "-complete.log");
        Process p = CliProcess.start(log, options(command), command);
        boolean done = p.waitFor(5, TimeUnit.MINUTES);
        p.destroyForcibly().waitFor();
        assertThat(done && p.exitValue() == 0).as("%s finished:%n%s", command[0], Files.readString(log)).isTrue();
        reader.call();
        System.out.printf("rerun: %s exit 0, its output complete: %d objects%n", command[0], under(key).size());
    }

    private static List<String> options(String[] command) {
        return command[0].equals("train") ? childOptions : quickOptions;
    }

    /** Keys of the bucket's objects under {@code key}/, read from the server's backend directory. */
    private static List<String> under(String key) throws IOException {
        return server.objects(BUCKET).stream().filter(k -> k.startsWith(key + "/")).toList();
    }
}
