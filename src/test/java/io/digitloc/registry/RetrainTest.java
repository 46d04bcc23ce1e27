package io.digitloc.registry;

import io.digitloc.config.ScaleOutSettings;
import io.digitloc.config.Settings;
import io.digitloc.core.EpochRecord;
import io.digitloc.data.GenerateJob;
import io.digitloc.io.HadoopConf;
import io.digitloc.io.Json;
import io.digitloc.testing.Cli;
import io.digitloc.testing.CliProcess;
import io.digitloc.testing.Mnist;
import io.digitloc.testing.TestSpark;
import io.digitloc.rounds.OuterOptimizer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Scheduled retraining with real processes: promotion and non-promotion, a driver killed in the
 * middle of training then resumed, and two runs started together.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class RetrainTest {
    @TempDir
    static Path tmp;
    static Path data;

    @BeforeAll
    static void dataset() {
        data = tmp.resolve("data");
        GenerateJob.run(TestSpark.get(), GenerateJob.plan(Settings.load(null, Map.of(
                "digitloc.data.mnist-dir", Mnist.dir().toString(), "digitloc.data.dir", data.toString(),
                "digitloc.data.train-limit", 1280, "digitloc.data.validation-limit", 200,
                "digitloc.data.train-shards", 2))));
    }



    static List<String> retrainArgs(Path registry, String... more) {
        List<String> a = new ArrayList<>(List.of("retrain", "--registry", registry.toString(),
                "--mnist-dir", Mnist.dir().toString(), "--data-dir", data.toString(),
                "--train-limit", "1280", "--validation-limit", "200", "--set", "data.train-shards=2",
                "--set", "retrain.promote-metrics=[iou_at_0.5]"));
        a.addAll(List.of(more));
        return a;
    }

    @Test
    @Order(1)
    void aBetterModelIsPromotedAndAWorseOneIsNot() throws Exception {
        Path registry = tmp.resolve("registry");
        Cli.Run first = Cli.run(retrainArgs(registry, "--epochs", "2", "--learning-rate", "0.003").toArray(String[]::new));
        assertThat(first.code()).as(first.err()).isZero();
        assertThat(first.out()).contains("promoted to champion", "no champion yet");
        ModelRegistry r = new ModelRegistry(registry.toString(), HadoopConf.local());
        String champion = r.champion().orElseThrow().run();
        Path run = registry.resolve("runs").resolve(champion);
        for (String f : new String[] {"model.zip", "model.onnx", "metadata.json", "lineage.json", "metrics.json", "report.html",
                "history.csv", "grid.png"}) {
            assertThat(run.resolve(f)).as(f).isRegularFile();
        }
        assertThat(Files.readString(run.resolve("lineage.json"))).contains("\"runId\" : \"" + champion + "\"",
                "\"data\"", "\"settings\"", "\"codeVersion\"");
        // the settings recorded are the run's own: its model dir, not the one before retrain set it
        String recorded = io.digitloc.io.Json.MAPPER.readTree(run.resolve("lineage.json").toFile()).get("settings").asText();
        assertThat(com.typesafe.config.ConfigFactory.parseString(recorded).getString("train.model-dir"))
                .endsWith("runs/" + champion);
        assertThat(io.digitloc.io.Json.MAPPER.readTree(run.resolve("metadata.json").toFile()).get("settings").asText())
                .isEqualTo(recorded);
        assertThat(registry.resolve("lock")).doesNotExist();

        // a learning rate so small the boxes stay where the untrained net puts them: worse, not promoted
        Cli.Run worse = Cli.run(retrainArgs(registry, "--epochs", "1", "--learning-rate", "1e-7").toArray(String[]::new));
        assertThat(worse.code()).as(worse.err()).isEqualTo(3);
        assertThat(worse.out()).contains("not promoted", "worse than the champion");
        assertThat(r.champion().orElseThrow().run()).isEqualTo(champion);
        assertThat(r.finishedRuns()).hasSize(2);
    }

    @Test
    @Order(2)
    void aKilledDriverResumesFromItsLastCheckpoint() throws Exception {
        Path model = tmp.resolve("resumed-model");
        // two workers with outer momentum: the momentum is state that must survive the kill
        List<String> args = List.of("train", "--data-dir", data.toString(), "--model-dir", model.toString(),
                "--epochs", "3", "--epoch-eval-limit", "50", "--master", "local[2]",
                "--set", "train.scale-out.outer-momentum=0.5");
        Process p = CliProcess.start(tmp.resolve("killed.log"), args.toArray(String[]::new));
        Path firstCheckpoint = tmp.resolve(".resumed-model.inprogress/checkpoints/epoch-0001.zip");
        assertThat(CliProcess.awaitFile(firstCheckpoint, p, 240)).as(Files.readString(tmp.resolve("killed.log"))).isTrue();
        p.destroyForcibly(); // SIGKILL: no shutdown hooks, no clean-up
        p.waitFor(30, TimeUnit.SECONDS);
        assertThat(model).doesNotExist();

        List<String> resume = new ArrayList<>(args);
        resume.add("--resume");
        // its own JVM too, so that its log (where the restore is reported) lands in a file
        Process resumed = CliProcess.start(tmp.resolve("resumed.log"), resume.toArray(String[]::new));
        assertThat(resumed.waitFor(5, TimeUnit.MINUTES)).isTrue();
        String log = Files.readString(tmp.resolve("resumed.log"));
        assertThat(resumed.exitValue()).as(log).isZero();
        assertThat(log).contains("train: 3 epochs", "resuming", "outer-optimiser state restored from",
                "checkpoints/epoch-0001.outer", "outer step lr 1.00 momentum 0.50");
        EpochRecord[] history = Json.read(Files.readString(model.resolve("history.json")), EpochRecord[].class, "h");
        assertThat(history).extracting(EpochRecord::epoch).containsExactly(1, 2, 3);
        try (Stream<Path> cps = Files.list(model.resolve("checkpoints"))) {
            assertThat(cps.map(f -> f.getFileName().toString()).filter(n -> n.endsWith(".zip")))
                    .containsExactlyInAnyOrder("epoch-0001.zip", "epoch-0002.zip", "epoch-0003.zip");
        }
        // each checkpoint has the outer optimiser's momentum beside it, one value per parameter
        OuterOptimizer outer = new OuterOptimizer(new ScaleOutSettings.Outer(1, 0.5, true));
        try (var in = new java.io.DataInputStream(Files.newInputStream(model.resolve("checkpoints/epoch-0003.outer")))) {
            outer.read(in);
        }
        assertThat(outer.velocity().length()).isEqualTo(426_638L);
        assertThat(Files.readString(model.resolve("metadata.json"))).contains("\"epochsRun\" : 3");
    }

    @Test
    @Order(3)
    void twoRunsStartedTogetherTrainExactlyOnce() throws Exception {
        Path registry = tmp.resolve("busy-registry");
        String[] args = retrainArgs(registry, "--epochs", "1").toArray(String[]::new);
        Process a = CliProcess.start(tmp.resolve("a.log"), args);
        Process b = CliProcess.start(tmp.resolve("b.log"), args);
        assertThat(a.waitFor(6, TimeUnit.MINUTES)).isTrue();
        assertThat(b.waitFor(6, TimeUnit.MINUTES)).isTrue();
        List<Integer> codes = List.of(a.exitValue(), b.exitValue());
        String logs = Files.readString(tmp.resolve("a.log")) + Files.readString(tmp.resolve("b.log"));
        assertThat(codes).as(logs).containsExactlyInAnyOrder(0, 4);
        assertThat(logs).contains("another run holds the lock");
        ModelRegistry r = new ModelRegistry(registry.toString(), HadoopConf.local());
        assertThat(r.finishedRuns()).hasSize(1);
        assertThat(r.champion().orElseThrow().run()).isEqualTo(r.finishedRuns().get(0));
        assertThat(r.interruptedRun()).isEmpty();
        assertThat(registry.resolve("lock")).doesNotExist();
    }
}
