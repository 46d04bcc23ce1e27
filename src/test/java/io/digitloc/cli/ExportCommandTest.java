package io.digitloc.cli;

import io.digitloc.config.Settings;
import io.digitloc.core.CanvasBatch;
import io.digitloc.data.Split;
import io.digitloc.io.HadoopConf;
import io.digitloc.model.LocalizerNet;
import io.digitloc.model.ModelStore;
import io.digitloc.testing.Canvases;
import io.digitloc.testing.Cli;
import io.digitloc.testing.OnnxRuntimeRun;
import org.apache.hadoop.fs.Path;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.nio.file.Files;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/** {@code digitloc export}: the happy path through the CLI, and each bad input refused with nothing written. */
class ExportCommandTest {
    @TempDir
    static java.nio.file.Path tmp;
    static java.nio.file.Path run;
    static java.nio.file.Path model40;
    static ComputationGraph net;

    @BeforeAll
    static void models() {
        run = tmp.resolve("run");
        net = LocalizerNet.untrained(75, Settings.defaults().train(), 3);
        ModelStore.save(net, new Path(run.resolve("model.zip").toString()), false, HadoopConf.local());
        model40 = tmp.resolve("m40/model.zip");
        ModelStore.save(LocalizerNet.untrained(40, Settings.defaults().train(), 3), new Path(model40.toString()), false,
                HadoopConf.local());
    }

    /** Files of {@code dir} other than Hadoop's checksum files. */
    static java.util.List<String> files(java.nio.file.Path dir) throws Exception {
        try (Stream<java.nio.file.Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).filter(n -> !n.endsWith(".crc")).sorted().toList();
        }
    }

    @Test
    void exportsARunDirectoryToAFileOnnxRuntimeRuns() throws Exception {
        java.nio.file.Path out = tmp.resolve("out/digits.onnx");
        Cli.Run r = Cli.run("export", "--model", run.toString(), "--format", "onnx", "--out", out.toString());
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out()).contains("export: ", "run/model.zip -> ", "digits.onnx", "ONNX opset 17",
                "input canvas [N,1,75,75]");
        CanvasBatch canvases = Canvases.of(Split.VALIDATION, 3, 75, 7);
        OnnxRuntimeRun.Outputs onnx = OnnxRuntimeRun.run(out, canvases.features().dup('c').data().asFloat(), 3, 75);
        INDArray[] dl4j = net.output(canvases.features());
        for (int i = 0; i < 3; i++) {
            assertThat(onnx.classification()[i]).containsExactly(dl4j[0].getRow(i).toFloatVector(), within(1e-5f));
            assertThat(onnx.boundingBox()[i]).containsExactly(dl4j[1].getRow(i).toFloatVector(), within(1e-5f));
        }
        assertThat(files(out.getParent())).containsExactly("digits.onnx");
    }

    @Test
    void writesBesideTheModelByDefaultAndReplacesAnOldFile() throws Exception {
        java.nio.file.Path dir = tmp.resolve("beside");
        ModelStore.save(net, new Path(dir.resolve("model.zip").toString()), false, HadoopConf.local());
        Files.writeString(dir.resolve("model.onnx"), "old");
        Cli.Run r = Cli.run("export", "--model", dir.resolve("model.zip").toString());
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(Files.size(dir.resolve("model.onnx"))).isGreaterThan(4L * net.numParams());
        assertThat(files(dir)).containsExactly("model.onnx", "model.zip");
    }

    @Test
    void aFileThatIsNotAModelIsRefused() throws Exception {
        java.nio.file.Path fake = tmp.resolve("fake/model.zip");
        Files.createDirectories(fake.getParent());
        Files.writeString(fake, "PK but not really a zip");
        java.nio.file.Path out = tmp.resolve("fake/model.onnx");
        Cli.Run r = Cli.run("export", "--model", fake.toString(), "--out", out.toString());
        assertThat(r.code()).isEqualTo(Main.FAILED);
        assertThat(r.err()).contains("fake/model.zip is not a DL4J ComputationGraph model zip");
        assertThat(files(fake.getParent())).containsExactly("model.zip");

        Cli.Run missing = Cli.run("export", "--model", tmp.resolve("nowhere").toString());
        assertThat(missing.code()).isEqualTo(Main.FAILED);
        assertThat(missing.err()).contains("no model at").contains("nowhere");
        assertThat(tmp.resolve("nowhere")).doesNotExist();
    }

    @Test
    void aModelForAnotherCanvasSizeIsRefusedUnlessTheSizeIsGiven() throws Exception {
        java.nio.file.Path out = tmp.resolve("m40/model.onnx");
        Cli.Run r = Cli.run("export", "--model", model40.toString(), "--out", out.toString());
        assertThat(r.code()).isEqualTo(Main.FAILED);
        assertThat(r.err()).contains("m40/model.zip was trained on canvases of another size: it cannot take 75x75");
        assertThat(out).doesNotExist();

        Cli.Run sized = Cli.run("export", "--model", model40.toString(), "--out", out.toString(), "--canvas-size", "40");
        assertThat(sized.code()).as(sized.err()).isZero();
        assertThat(sized.out()).contains("input canvas [N,1,40,40]");
        assertThat(out).isRegularFile();
    }

    @Test
    void badOptionsAndOutputsAreRefused() throws Exception {
        Cli.Run format = Cli.run("export", "--model", run.toString(), "--format", "tflite");
        assertThat(format.code()).isEqualTo(Main.USAGE);
        assertThat(format.err()).contains("--format", "tflite", "ONNX");

        java.nio.file.Path dir = tmp.resolve("a-directory");
        Files.createDirectories(dir.resolve("keep"));
        Cli.Run onDir = Cli.run("export", "--model", run.toString(), "--out", dir.toString());
        assertThat(onDir.code()).isEqualTo(Main.FAILED);
        assertThat(onDir.err()).contains("cannot write ONNX model", "a-directory", "it is a directory");
        assertThat(files(dir)).containsExactly("keep");
        assertThat(files(tmp)).noneMatch(n -> n.contains(".tmp-"));
    }
}
