package io.digitloc.cli;

import io.digitloc.config.Settings;
import io.digitloc.io.HadoopConf;
import io.digitloc.model.LocalizerNet;
import io.digitloc.model.ModelStore;
import io.digitloc.registry.ModelRegistry;
import io.digitloc.testing.Cli;
import io.digitloc.testing.IdxFixtures;
import io.digitloc.testing.TestSpark;
import org.apache.hadoop.fs.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/** Each kind of bad input: one clear message naming the thing, a non-zero exit, nothing written or promoted. */
class BadInputTest {
    @TempDir
    static java.nio.file.Path tmp;
    static java.nio.file.Path mnist;
    static java.nio.file.Path data75;
    static java.nio.file.Path data40;
    static java.nio.file.Path model75;



    @BeforeAll
    static void fixtures() {
        TestSpark.get();
        mnist = IdxFixtures.mnistDir(tmp.resolve("mnist"), 40, 10);
        data75 = tmp.resolve("data75");
        data40 = tmp.resolve("data40");
        assertThat(Cli.run("generate", "--mnist-dir", mnist.toString(), "--data-dir", data75.toString()).code()).isZero();
        assertThat(Cli.run("generate", "--mnist-dir", mnist.toString(), "--data-dir", data40.toString(),
                "--canvas-size", "40").code()).isZero();
        model75 = tmp.resolve("model75.zip");
        ModelStore.save(LocalizerNet.untrained(75, Settings.defaults().train(), 1), new Path(model75.toString()), false,
                HadoopConf.local());
    }

    static long entries(java.nio.file.Path dir) throws Exception {
        try (Stream<java.nio.file.Path> s = Files.list(dir)) {
            return s.count();
        }
    }

    /** A mistyped setting stops the command before Spark starts, exit 2, naming the key meant. */
    @Test
    void aMistypedSettingIsRefused() {
        java.nio.file.Path out = tmp.resolve("never-typo");
        Cli.Run r = Cli.run("train", "--data-dir", out.toString(), "--model-dir", out.resolve("m").toString(),
                "--set", "train.learnig-rate=0.1");
        assertThat(r.code()).isEqualTo(Main.USAGE);
        assertThat(r.err()).contains("unknown setting digitloc.train.learnig-rate", "did you mean train.learning-rate?");
        assertThat(out).doesNotExist();
    }

    @Test
    void emptyIdxFile() {
        java.nio.file.Path dir = IdxFixtures.mnistDir(tmp.resolve("empty-idx"), 5, 5);
        IdxFixtures.write(dir.resolve("t10k-labels-idx1-ubyte"), new byte[0]);
        java.nio.file.Path out = tmp.resolve("never-empty");
        Cli.Run r = Cli.run("generate", "--mnist-dir", dir.toString(), "--data-dir", out.toString());
        assertThat(r.code()).isEqualTo(Main.FAILED);
        assertThat(r.err()).contains("t10k-labels-idx1-ubyte: truncated header").contains("empty");
        assertThat(out).doesNotExist();
    }

    @Test
    void parquetWithAMissingColumn() throws Exception {
        java.nio.file.Path broken = tmp.resolve("broken-data");
        assertThat(Cli.run("generate", "--mnist-dir", mnist.toString(), "--data-dir", broken.toString()).code()).isZero();
        TestSpark.get().read().parquet(broken.resolve("train").toString()).drop("label").write()
                .parquet(tmp.resolve("no-label").toString());
        deleteTree(broken.resolve("train"));
        Files.move(tmp.resolve("no-label"), broken.resolve("train"));
        java.nio.file.Path model = tmp.resolve("never-model");
        Cli.Run r = Cli.run("train", "--data-dir", broken.toString(), "--model-dir", model.toString(), "--epochs", "1");
        assertThat(r.code()).isEqualTo(Main.FAILED);
        assertThat(r.err()).contains("broken-data/train is not a canvas dataset: missing column 'label' (int)");
        assertThat(model).doesNotExist();
        assertThat(tmp.resolve(".never-model.inprogress")).doesNotExist();
    }

    @Test
    void aModelForAnotherCanvasSize() throws Exception {
        java.nio.file.Path out = tmp.resolve("eval-40");
        Cli.Run r = Cli.run("evaluate", "--model", model75.toString(), "--data-dir", data40.toString(), "--out", out.toString());
        assertThat(r.code()).isEqualTo(Main.FAILED);
        assertThat(r.err()).contains("model75.zip was trained on canvases of another size: it cannot take 40x40");
        assertThat(out.resolve("metrics.json")).doesNotExist();
    }

    @Test
    void aModelZipThatIsNotAModel() throws Exception {
        java.nio.file.Path fake = tmp.resolve("fake/model.zip");
        Files.createDirectories(fake.getParent());
        Files.writeString(fake, "PK but not really a zip");
        Cli.Run r = Cli.run("evaluate", "--model", fake.toString(), "--data-dir", data75.toString());
        assertThat(r.code()).isEqualTo(Main.FAILED);
        assertThat(r.err()).contains("fake/model.zip is not a DL4J ComputationGraph model zip");
        assertThat(entries(fake.getParent())).isEqualTo(1);

        Cli.Run missing = Cli.run("evaluate", "--model", tmp.resolve("nowhere/model.zip").toString(), "--data-dir",
                data75.toString());
        assertThat(missing.code()).isEqualTo(Main.FAILED);
        assertThat(missing.err()).contains("no model at").contains("nowhere/model.zip");
    }

    @Test
    void anUnwritableOutput() throws Exception {
        java.nio.file.Path file = tmp.resolve("a-file");
        Files.writeString(file, "x");
        Cli.Run r = Cli.run("generate", "--mnist-dir", mnist.toString(), "--data-dir", file.resolve("data").toString());
        assertThat(r.code()).isEqualTo(Main.FAILED);
        assertThat(r.err()).contains("a-file");
        assertThat(Files.readString(file)).isEqualTo("x");
    }

    @Test
    void impossibleSettingsBeforeAnythingStarts() {
        Cli.Run r = Cli.run("train", "--data-dir", data75.toString(), "--model-dir", tmp.resolve("m").toString(),
                "--batch-size", "0");
        assertThat(r.code()).isEqualTo(Main.USAGE);
        assertThat(r.err()).contains("digitloc.train.batch-size = 0");
        Cli.Run unknown = Cli.run("retrain", "--registry", tmp.resolve("reg").toString(), "--set",
                "retrain.promote-metrics=[speed]");
        assertThat(unknown.code()).isEqualTo(Main.USAGE);
        assertThat(unknown.err()).contains("digitloc.retrain.promote-metrics");
        assertThat(tmp.resolve("reg")).doesNotExist();
    }

    @Test
    void retrainOnBadInputFailsAndLeavesTheChampionAlone() throws Exception {
        java.nio.file.Path registry = tmp.resolve("guarded-registry");
        ModelRegistry reg = new ModelRegistry(registry.toString(), HadoopConf.local());
        Files.createDirectories(registry.resolve("runs/20260101-000000-keep"));
        reg.promote("20260101-000000-keep", "seeded by the test");
        java.nio.file.Path badMnist = IdxFixtures.mnistDir(tmp.resolve("bad-mnist"), 5, 5);
        Files.write(badMnist.resolve("train-images-idx3-ubyte"), new byte[] {0, 0, 8, 1, 0, 0, 0, 5});
        Cli.Run r = Cli.run("retrain", "--registry", registry.toString(), "--mnist-dir", badMnist.toString(), "--data-dir",
                tmp.resolve("bad-data").toString());
        assertThat(r.code()).isEqualTo(Main.FAILED);
        assertThat(r.err()).contains("train-images-idx3-ubyte: wrong IDX magic number 0x00000801");
        assertThat(reg.champion().orElseThrow().run()).isEqualTo("20260101-000000-keep");
        assertThat(reg.finishedRuns()).containsExactly("20260101-000000-keep");
        assertThat(registry.resolve("lock")).doesNotExist();
    }

    static void deleteTree(java.nio.file.Path p) throws Exception {
        try (Stream<java.nio.file.Path> all = Files.walk(p)) {
            all.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
        }
    }

    @Test
    void warmStartFromAMissingModelIsRejectedBeforeAnythingIsWritten() {
        java.nio.file.Path out = tmp.resolve("never-warm");
        Cli.Run r = Cli.run("train", "--data-dir", data75.toString(), "--model-dir", out.toString(),
                "--warm-start", tmp.resolve("no-such-model.zip").toString());
        assertThat(r.code()).isEqualTo(Main.USAGE);
        assertThat(r.err()).contains("--warm-start: there is no model at").contains("no-such-model.zip");
        assertThat(out).doesNotExist();
        assertThat(out.resolveSibling(".never-warm.inprogress")).doesNotExist();
    }
}
