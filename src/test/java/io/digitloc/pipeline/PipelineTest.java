package io.digitloc.pipeline;

import io.digitloc.config.Settings;
import io.digitloc.data.GenerateJob;
import io.digitloc.testing.Cli;
import io.digitloc.testing.Mnist;
import io.digitloc.testing.TestSpark;
import io.digitloc.train.Start;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/** The stages wired once: generate when the plan asks for it, else reuse; then train and evaluate. */
class PipelineTest {
    @TempDir
    static java.nio.file.Path tmp;

    private static Settings settings() {
        Map<String, Object> o = new HashMap<>();
        o.put("digitloc.data.mnist-dir", Mnist.dir().toString());
        o.put("digitloc.data.dir", tmp.resolve("data").toString());
        o.put("digitloc.data.train-limit", 128);
        o.put("digitloc.data.validation-limit", 40);
        o.put("digitloc.train.epochs", 1);
        o.put("digitloc.train.model-dir", tmp.resolve("model").toString());
        o.put("digitloc.train.if-exists", "replace");
        return Settings.load(null, o);
    }

    @Test
    void generatesTrainsAndEvaluatesThenReusesTheDataset() {
        Settings settings = settings();
        GenerateJob.Plan plan = GenerateJob.planIfNeeded(settings, io.digitloc.io.HadoopConf.local());
        assertThat(plan).as("no dataset yet: a plan to generate one").isNotNull();
        Pipeline.Result first = Pipeline.run(TestSpark.get(), settings, plan, Start.FRESH);
        assertThat(first.generated()).isNotNull();
        assertThat(first.trained().history()).hasSize(1);
        assertThat(first.evaluated().metrics().count()).isEqualTo(40);
        assertThat(tmp.resolve("model/metrics.json")).isRegularFile();

        assertThat(GenerateJob.planIfNeeded(settings, io.digitloc.io.HadoopConf.local())).as("the manifest matches: nothing to generate").isNull();
        Pipeline.Result again = Pipeline.run(TestSpark.get(), settings, null, Start.FRESH);
        assertThat(again.generated()).isNull();
        assertThat(again.evaluated().metrics().count()).isEqualTo(40);
    }

    /**
     * {@code pipeline --resume}: a run killed after its first epoch (its in-progress directory holds the
     * epoch's checkpoint and history, nothing published) goes on from that checkpoint to its planned
     * epochs, and is then evaluated.
     */
    @Test
    void pipelineResumeContinuesAnInterruptedRunThenEvaluates() throws IOException {
        Path model = tmp.resolve("resumed");
        List<String> args = List.of("pipeline", "--mnist-dir", Mnist.dir().toString(), "--data-dir",
                tmp.resolve("data-resume").toString(), "--model-dir", model.toString(), "--master", "local[2]",
                "--set", "data.train-limit=128", "--set", "data.validation-limit=40", "--if-exists", "replace");
        Cli.Run first = Cli.run(with(args, "--epochs", "1"));
        assertThat(first.code()).as(first.err()).isZero();

        Path work = tmp.resolve(".resumed.inprogress");
        Files.move(model, work);
        for (String published : List.of("model.zip", "metadata.json", "metrics.json", "predictions_sample.csv",
                "grid.png", "report.html", "predictions")) {
            deleteTree(work.resolve(published));
        }
        byte[] checkpoint = Files.readAllBytes(work.resolve("checkpoints/epoch-0001.zip"));

        Cli.Run resumed = Cli.run(with(args, "--epochs", "2", "--resume"));
        assertThat(resumed.code()).as(resumed.err()).isZero();
        assertThat(work).doesNotExist();
        assertThat(Files.readAllBytes(model.resolve("checkpoints/epoch-0001.zip")))
                .as("epoch 1 was not trained again").isEqualTo(checkpoint);
        assertThat(model.resolve("checkpoints/epoch-0002.zip")).isRegularFile();
        assertThat(Files.readAllLines(model.resolve("history.csv"))).hasSize(3); // header + 2 epochs
        assertThat(model.resolve("metrics.json")).isRegularFile();
        assertThat(resumed.out()).contains("generate: reusing");
    }

    @Test
    void pipelineResumeWithoutItsDatasetIsAUsageError() {
        Cli.Run r = Cli.run("pipeline", "--resume", "--mnist-dir", Mnist.dir().toString(), "--data-dir",
                tmp.resolve("no-data").toString(), "--model-dir", tmp.resolve("no-model").toString());
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).contains("--resume").contains("no-data");
        assertThat(tmp.resolve("no-data")).doesNotExist();
    }

    private static String[] with(List<String> args, String... more) {
        return Stream.concat(args.stream(), Stream.of(more)).toArray(String[]::new);
    }

    private static void deleteTree(Path p) throws IOException {
        if (Files.exists(p)) {
            try (Stream<Path> s = Files.walk(p)) {
                for (Path f : s.sorted(Comparator.reverseOrder()).toList()) {
                    Files.delete(f);
                }
            }
        }
    }
}
