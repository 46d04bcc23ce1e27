package io.digitloc.export;

import io.digitloc.core.Digits;
import io.digitloc.core.RunLayout;
import io.digitloc.io.BuildInfo;
import io.digitloc.io.HadoopConf;
import io.digitloc.io.HadoopFiles;
import io.digitloc.model.LocalizerNet;
import io.digitloc.model.ModelException;
import io.digitloc.model.ModelStore;
import onnx.Onnx;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.deeplearning4j.nn.graph.ComputationGraph;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The trained network as an ONNX model, for runtimes outside the JVM (ONNX Runtime in Python, C++, the
 * browser; Triton...). The graph: input {@value #INPUT} float [N, 1, S, S] (grayscale / 255, white digit on
 * black), then per block Conv (3x3, no padding) → Relu → AveragePool (2x2, stride 2), Flatten (C order over
 * [C, H, W], as DL4J's flattening), Gemm → Relu, and the heads {@value LocalizerNet#CLASSIFICATION}
 * (Gemm → Softmax, [N, 10]) and {@value LocalizerNet#BOUNDING_BOX} (Gemm, [N, 4]); N is symbolic. Its
 * metadata_props hold the canvas size, the box convention and the code version ({@link #metadata}).
 */
public final class OnnxExport {
    /** The input's name: the canvas. */
    public static final String INPUT = "canvas";
    /** The symbolic batch dimension. */
    public static final String BATCH = "N";
    public static final int OPSET = 17;
    /** ONNX IR version 8 goes with opset 17 (ONNX 1.12+). */
    public static final long IR_VERSION = 8;
    public static final String CANVAS_SIZE = "canvas_size";
    public static final String BOX_CONVENTION = "box_convention";
    public static final String CODE_VERSION = "code_version";
    public static final String INPUT_SCALE = "input_scale";
    public static final String CLASSES = "classes";

    private OnnxExport() {
    }

    /**
     * {@code net} (fast or stock layers) as an ONNX model for canvases of {@code canvasSize}.
     *
     * @param where names the model in messages
     * @throws ModelException when {@code net} is not the project's network for that canvas size
     */
    public static Onnx.ModelProto toOnnx(ComputationGraph net, int canvasSize, String where) {
        StockNetwork n = StockNetwork.of(net, canvasSize, where);
        Onnx.ModelProto.Builder model = Onnx.ModelProto.newBuilder()
                .setIrVersion(IR_VERSION)
                .addOpsetImport(Onnx.OperatorSetIdProto.newBuilder().setDomain("").setVersion(OPSET))
                .setProducerName("digitloc")
                .setProducerVersion(BuildInfo.version())
                .setDocString("digitloc digit classification and localisation network, exported from DL4J")
                .setGraph(graph(n));
        metadata(canvasSize).forEach((k, v) -> model.addMetadataProps(
                Onnx.StringStringEntryProto.newBuilder().setKey(k).setValue(v)));
        return model.build();
    }

    /** The model's metadata_props: what a caller needs to feed it and read its answers. */
    public static Map<String, String> metadata(int canvasSize) {
        Map<String, String> m = new LinkedHashMap<>();
        m.put(CANVAS_SIZE, Integer.toString(canvasSize));
        m.put(INPUT_SCALE, "grayscale pixel / 255 in [0, 1]: white digit (1) on black (0), row-major, [N, 1, S, S]");
        m.put(BOX_CONVENTION, "xmin, ymin, xmax, ymax as fractions of the canvas side (0..1), origin top-left, "
                + "y downwards");
        m.put(CLASSES, "0,1,2,3,4,5,6,7,8,9 (softmax probabilities)");
        m.put(CODE_VERSION, BuildInfo.version());
        return m;
    }

    /**
     * Writes {@code net} as ONNX to {@code target} through a temporary sibling and a rename: the file
     * appears complete or not at all (an existing file is replaced, a directory refused).
     */
    public static void write(ComputationGraph net, int canvasSize, Path target, HadoopConf conf, String where) {
        Onnx.ModelProto model = toOnnx(net, canvasSize, where);
        FileSystem fs = HadoopFiles.fs(target, conf);
        Path tmp = HadoopFiles.tempSibling(target);
        try {
            if (fs.exists(target) && fs.getFileStatus(target).isDirectory()) {
                throw new IOException("it is a directory");
            }
            try (FSDataOutputStream out = fs.create(tmp, false)) {
                model.writeTo(out);
            }
            HadoopFiles.replace(fs, tmp, target);
        } catch (IOException e) {
            HadoopFiles.deleteQuietly(fs, tmp);
            throw new UncheckedIOException("cannot write ONNX model " + target + ": " + e.getMessage(), e);
        }
    }

    /** What {@link #export} did. */
    public record Result(Path model, Path onnx, long bytes) {
    }

    /**
     * Exports the model at {@code modelDirOrZip} (a model zip, or a run directory holding
     * {@value RunLayout#MODEL}) to {@code target}.
     */
    public static Result export(Path modelDirOrZip, int canvasSize, Path target, HadoopConf conf) {
        Path model = modelFile(modelDirOrZip, conf);
        write(ModelStore.load(model, false, conf), canvasSize, target, conf, model.toString());
        try {
            return new Result(model, target, HadoopFiles.fs(target, conf).getFileStatus(target).getLen());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read back " + target + ": " + e.getMessage(), e);
        }
    }

    /** {@code path} itself, or {@code path}/{@value RunLayout#MODEL} when it is a directory. */
    public static Path modelFile(Path path, HadoopConf conf) {
        try {
            FileSystem fs = HadoopFiles.fs(path, conf);
            return fs.exists(path) && fs.getFileStatus(path).isDirectory() ? new Path(path, RunLayout.MODEL) : path;
        } catch (IOException e) {
            throw new ModelException("cannot read " + path + ": " + e.getMessage(), e);
        }
    }

    private static Onnx.GraphProto graph(StockNetwork n) {
        int s = n.canvasSize();
        OnnxGraph g = new OnnxGraph("digitloc",
                "DL4J ComputationGraph exported layer by layer; initializers are named as DL4J's parameters")
                .input(INPUT, BATCH, null, 1L, (long) s, (long) s);
        String x = INPUT;
        for (StockNetwork.Convolution c : n.convolutions()) {
            int k = StockNetwork.KERNEL;
            int p = StockNetwork.POOL;
            g.initializer(c.name() + "_W", c.weights(), c.out(), c.in(), k, k)
                    .initializer(c.name() + "_b", c.bias(), c.out());
            // DL4J's Truncate mode: no padding; the pooling floors (ceil_mode 0) as DL4J does
            g.node("Conv", new String[] {x, c.name() + "_W", c.name() + "_b"}, c.name())
                    .ints("kernel_shape", k, k).ints("strides", 1, 1).ints("pads", 0, 0, 0, 0).ints("dilations", 1, 1);
            g.node("Relu", new String[] {c.name()}, c.name() + "_relu");
            x = c.name() + "_pool";
            g.node("AveragePool", new String[] {c.name() + "_relu"}, x)
                    .ints("kernel_shape", p, p).ints("strides", p, p).ints("pads", 0, 0, 0, 0).i("ceil_mode", 0);
        }
        // [N, C, H, W] -> [N, C*H*W] in C order: the order of DL4J's CnnToFeedForwardPreProcessor on NCHW
        g.node("Flatten", new String[] {x}, "flatten").i("axis", 1);
        String hidden = gemm(g, n.dense(), "flatten", n.dense().name());
        g.node("Relu", new String[] {hidden}, hidden + "_relu");
        String logits = gemm(g, n.classifier(), hidden + "_relu", n.classifier().name() + "_logits");
        g.node("Softmax", new String[] {logits}, LocalizerNet.CLASSIFICATION).i("axis", 1);
        gemm(g, n.box(), hidden + "_relu", LocalizerNet.BOUNDING_BOX);
        return g.output(LocalizerNet.CLASSIFICATION, BATCH, null, (long) Digits.CLASSES)
                .output(LocalizerNet.BOUNDING_BOX, BATCH, null, (long) Digits.BOX_VALUES)
                .build();
    }

    /** input [N, in] x W [in, out] + b [out]: DL4J's dense weights are [in, out], so no transposition. */
    private static String gemm(OnnxGraph g, StockNetwork.Dense d, String input, String output) {
        g.initializer(d.name() + "_W", d.weights(), d.in(), d.out()).initializer(d.name() + "_b", d.bias(), d.out());
        g.node("Gemm", new String[] {input, d.name() + "_W", d.name() + "_b"}, output).i("transA", 0).i("transB", 0);
        return output;
    }
}
