package io.digitloc.export;

import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import io.digitloc.config.Settings;
import io.digitloc.core.CanvasBatch;
import io.digitloc.core.RunLayout;
import io.digitloc.data.Split;
import io.digitloc.io.BuildInfo;
import io.digitloc.io.HadoopConf;
import io.digitloc.model.LocalizerNet;
import io.digitloc.model.ModelException;
import io.digitloc.model.ModelStore;
import io.digitloc.platform.NativeSetup;
import io.digitloc.model.StockLayers;
import io.digitloc.testing.Canvases;
import io.digitloc.testing.OnnxRuntimeRun;
import onnx.Onnx;
import org.apache.hadoop.fs.Path;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.conf.layers.PoolingType;
import org.deeplearning4j.nn.conf.layers.SubsamplingLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.weights.WeightInit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.lossfunctions.LossFunctions;

import java.io.File;
import java.nio.file.Files;
import java.util.Arrays;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

/**
 * The exported graph, run by ONNX Runtime (not by our own reader), computes what DL4J computes: both outputs to
 * 1e-5 on real validation canvases, for any batch size, with weights far enough from symmetric that a wrong
 * weight layout or flattening order would show. Networks that are not the project's are refused.
 */
class OnnxExportTest {
    private static final int SIZE = 75;
    private static final float TOLERANCE = 1e-5f;
    private static ComputationGraph trained;
    private static CanvasBatch validation;

    @BeforeAll
    static void trainAFewSteps() {
        NativeSetup.configure();
        // the fast layers, as training uses them: the export must read them in their stock form
        var train = Settings.load(null, Map.of("digitloc.train.fast-layers", true,
                "digitloc.train.learning-rate", 0.003)).train();
        trained = LocalizerNet.untrained(SIZE, train, 5);
        CanvasBatch steps = Canvases.of(Split.TRAIN, 96, SIZE, 42);
        for (int i = 0; i < 6; i++) { // random init plus a few Adam steps: non-zero biases, asymmetric kernels
            trained.fit(slice(steps, 16 * i, 16).toMultiDataSet());
        }
        validation = Canvases.of(Split.VALIDATION, 64, SIZE, 42);
    }

    private static CanvasBatch slice(CanvasBatch b, int from, int n) {
        int area = b.size() * b.size();
        return new CanvasBatch(b.size(), Arrays.copyOfRange(b.labels(), from, from + n),
                Arrays.copyOfRange(b.boxes(), 4 * from, 4 * (from + n)),
                Arrays.copyOfRange(b.pixels(), from * area, (from + n) * area));
    }

    private static float[] floats(CanvasBatch b) {
        return b.features().dup('c').data().asFloat();
    }

    private static void assertSameOutputs(ComputationGraph net, CanvasBatch canvases, OnnxRuntimeRun.Outputs onnx) {
        INDArray[] dl4j = net.output(canvases.features());
        int n = canvases.count();
        assertThat(onnx.classification()).hasNumberOfRows(n);
        assertThat(onnx.boundingBox()).hasNumberOfRows(n);
        for (int i = 0; i < n; i++) {
            assertThat(onnx.classification()[i]).as("classification of canvas %d", i)
                    .containsExactly(dl4j[0].getRow(i).toFloatVector(), within(TOLERANCE));
            assertThat(onnx.boundingBox()[i]).as("box of canvas %d", i)
                    .containsExactly(dl4j[1].getRow(i).toFloatVector(), within(TOLERANCE));
        }
    }

    @Test
    void onnxRuntimeComputesWhatDl4jComputesOnValidationCanvases(@TempDir File dir) throws Exception {
        Path zip = new Path(new File(dir, RunLayout.MODEL).getPath());
        ModelStore.save(trained, zip, false, HadoopConf.local());
        ComputationGraph restored = ModelStore.load(zip, false, HadoopConf.local());
        Path onnx = new Path(new File(dir, RunLayout.ONNX).getPath());
        OnnxExport.Result r = OnnxExport.export(new Path(dir.getPath()), SIZE, onnx, HadoopConf.local());
        assertThat(r.model()).isEqualTo(zip);
        assertThat(r.bytes()).isEqualTo(new File(onnx.toString()).length()).isGreaterThan(4L * trained.numParams());

        try (OrtSession session = OnnxRuntimeRun.open(new File(onnx.toString()).toPath())) {
            OnnxRuntimeRun.Outputs all = OnnxRuntimeRun.run(session, floats(validation), validation.count(), SIZE);
            assertSameOutputs(restored, validation, all);
            assertSameOutputs(trained, validation, all); // the fast layers compute the same function
            // the comparison means something: the answers differ from canvas to canvas
            assertThat(spread(all.classification())).isGreaterThan(1e-3f);
            assertThat(spread(all.boundingBox())).isGreaterThan(1e-3f);
            // N is dynamic: one canvas alone gives that canvas's row
            CanvasBatch one = slice(validation, 5, 1);
            assertSameOutputs(restored, one, OnnxRuntimeRun.run(session, floats(one), 1, SIZE));
        }
        assertThat(dir.list()).contains(RunLayout.ONNX).noneMatch(name -> name.contains(".tmp-")); // no temporaries left
    }

    /** Largest difference of any output value between the first canvas and any other. */
    private static float spread(float[][] rows) {
        float max = 0;
        for (float[] row : rows) {
            for (int j = 0; j < row.length; j++) {
                max = Math.max(max, Math.abs(row[j] - rows[0][j]));
            }
        }
        return max;
    }

    @Test
    void signatureAndMetadataAreWhatCallersRead(@TempDir File dir) throws Exception {
        File file = new File(dir, "m.onnx");
        OnnxExport.write(trained, SIZE, new Path(file.getPath()), HadoopConf.local(), "trained");
        try (OrtSession session = OnnxRuntimeRun.open(file.toPath())) {
            Map<String, NodeInfo> in = session.getInputInfo();
            assertThat(in).containsOnlyKeys("canvas");
            assertThat(((TensorInfo) in.get("canvas").getInfo()).getShape()).containsExactly(-1, 1, SIZE, SIZE);
            Map<String, NodeInfo> out = session.getOutputInfo();
            assertThat(out.keySet()).containsExactly("classification", "bounding_box");
            assertThat(((TensorInfo) out.get("classification").getInfo()).getShape()).containsExactly(-1, 10);
            assertThat(((TensorInfo) out.get("bounding_box").getInfo()).getShape()).containsExactly(-1, 4);
            Map<String, String> meta = session.getMetadata().getCustomMetadata();
            assertThat(meta).containsEntry("canvas_size", "75").containsEntry("code_version", BuildInfo.version());
            assertThat(meta.get("box_convention")).contains("xmin, ymin, xmax, ymax as fractions of the canvas side");
            assertThat(session.getMetadata().getProducerName()).isEqualTo("digitloc");
        }
        Onnx.ModelProto proto = Onnx.ModelProto.parseFrom(Files.readAllBytes(file.toPath()));
        assertThat(proto.getOpsetImport(0).getVersion()).isEqualTo(OnnxExport.OPSET);
        assertThat(proto.getIrVersion()).isEqualTo(OnnxExport.IR_VERSION);
        // initializers carry DL4J's parameter names and every parameter once
        long exported = proto.getGraph().getInitializerList().stream().mapToLong(t -> t.getRawData().size() / 4).sum();
        assertThat(exported).isEqualTo(trained.numParams());
        assertThat(proto.getGraph().getInitializerList()).extracting(Onnx.TensorProto::getName)
                .contains("conv1_W", "conv1_b", "dense_W", "classification_W", "bounding_box_b");
        // the fast-layer network and its stock form export to the same model
        assertThat(OnnxExport.toOnnx(StockLayers.toStock(trained), SIZE, "stock")).isEqualTo(proto);
    }

    @Test
    void anotherCanvasSizeGetsItsOwnShapes(@TempDir File dir) throws Exception {
        int size = 40; // odd sides on the way (38, 19, 17, 8, 6, 3): pooling must floor as DL4J's does
        ComputationGraph net = LocalizerNet.untrained(size, Settings.load(null,
                Map.of("digitloc.train.fast-layers", false)).train(), 9);
        File file = new File(dir, "m40.onnx");
        OnnxExport.write(net, size, new Path(file.getPath()), HadoopConf.local(), "net40");
        CanvasBatch canvases = Canvases.of(Split.VALIDATION, 8, size, 1);
        assertSameOutputs(net, canvases, OnnxRuntimeRun.run(file.toPath(), floats(canvases), 8, size));
    }

    /** Model zips as earlier versions wrote them, of both layer forms (the fixtures of PersistedFormatsTest). */
    @Test
    void modelsSavedByEarlierVersionsExportToo(@TempDir File dir) throws Exception {
        int size = 28; // sides 26, 13, 11, 5, 3, 1
        File[] versions = new File("src/test/resources/fixtures").listFiles(File::isDirectory);
        assertThat(versions).isNotEmpty();
        CanvasBatch canvases = Canvases.of(Split.VALIDATION, 4, size, 3);
        for (File version : versions) {
            for (String name : new String[] {"fast-layers-28px.zip", "stock-layers-28px.zip"}) {
                Path zip = new Path(new File(version, "models/" + name).getPath());
                File file = new File(dir, version.getName() + "-" + name + ".onnx");
                OnnxExport.export(zip, size, new Path(file.getPath()), HadoopConf.local());
                assertSameOutputs(ModelStore.load(zip, false, HadoopConf.local()), canvases,
                        OnnxRuntimeRun.run(file.toPath(), floats(canvases), 4, size));
            }
        }
    }

    @Test
    void aModelForAnotherCanvasSizeIsRefused(@TempDir File dir) {
        ComputationGraph net40 = LocalizerNet.untrained(40, Settings.defaults().train(), 2);
        File file = new File(dir, "m.onnx");
        assertThatThrownBy(() -> OnnxExport.write(net40, SIZE, new Path(file.getPath()), HadoopConf.local(), "m40.zip"))
                .isInstanceOf(ModelException.class)
                .hasMessageContaining("m40.zip was trained on canvases of another size: it cannot take 75x75");
        assertThat(dir.list()).isEmpty();
    }

    @Test
    void otherNetworksAreRefusedNamingTheLayer(@TempDir File dir) {
        assertRefused(dir, variant(PoolingType.MAX, ConvolutionMode.Truncate, Activation.RELU, false),
                "layer pool2 is MAX pooling, expected AVG");
        assertRefused(dir, variant(PoolingType.AVG, ConvolutionMode.Same, Activation.RELU, false),
                "layer conv2 has convolution mode Same, expected Truncate");
        assertRefused(dir, variant(PoolingType.AVG, ConvolutionMode.Truncate, Activation.TANH, false),
                "layer conv2 has activation tanh, expected relu");
        assertRefused(dir, variant(PoolingType.AVG, ConvolutionMode.Truncate, Activation.RELU, true),
                "layer dense feeds [dense2], not the two heads");
        // the variant builder itself makes the stock network when nothing is changed
        assertThat(OnnxExport.toOnnx(variant(PoolingType.AVG, ConvolutionMode.Truncate, Activation.RELU, false), SIZE,
                "plain")).isNotNull();
    }

    private static void assertRefused(File dir, ComputationGraph net, String message) {
        File file = new File(dir, "refused.onnx");
        assertThatThrownBy(() -> OnnxExport.write(net, SIZE, new Path(file.getPath()), HadoopConf.local(), "other.zip"))
                .isInstanceOf(ModelException.class)
                .hasMessageStartingWith("other.zip is not the digit localisation network this export knows")
                .hasMessageContaining(message);
        assertThat(dir.list()).isEmpty();
    }

    /** The project's network in stock layers, with its second block or its end changed. */
    private static ComputationGraph variant(PoolingType pool2, ConvolutionMode conv2Mode, Activation conv2,
                                            boolean extraDense) {
        ComputationGraphConfiguration.GraphBuilder g = new NeuralNetConfiguration.Builder().seed(1)
                .weightInit(WeightInit.XAVIER_UNIFORM).convolutionMode(ConvolutionMode.Truncate).graphBuilder()
                .addInputs("image").setInputTypes(InputType.convolutional(SIZE, SIZE, 1));
        String previous = "image";
        int[] filters = {16, 32, 64};
        for (int b = 1; b <= 3; b++) {
            g.addLayer("conv" + b, new ConvolutionLayer.Builder(3, 3).nOut(filters[b - 1])
                    .convolutionMode(b == 2 ? conv2Mode : ConvolutionMode.Truncate)
                    .activation(b == 2 ? conv2 : Activation.RELU).build(), previous);
            g.addLayer("pool" + b, new SubsamplingLayer.Builder(b == 2 ? pool2 : PoolingType.AVG).kernelSize(2, 2)
                    .stride(2, 2).build(), "conv" + b);
            previous = "pool" + b;
        }
        g.addLayer("dense", new DenseLayer.Builder().nOut(128).activation(Activation.RELU).build(), previous);
        String features = "dense";
        if (extraDense) {
            g.addLayer("dense2", new DenseLayer.Builder().nOut(128).activation(Activation.RELU).build(), "dense");
            features = "dense2";
        }
        g.addLayer(LocalizerNet.CLASSIFICATION, new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nOut(10)
                .activation(Activation.SOFTMAX).build(), features);
        g.addLayer(LocalizerNet.BOUNDING_BOX, new OutputLayer.Builder(LossFunctions.LossFunction.MSE).nOut(4)
                .activation(Activation.IDENTITY).build(), features);
        ComputationGraph net = new ComputationGraph(g.setOutputs(LocalizerNet.CLASSIFICATION, LocalizerNet.BOUNDING_BOX)
                .build());
        net.init();
        return net;
    }
}
