package io.digitloc.cli;

import io.digitloc.config.Settings;
import io.digitloc.core.RunLayout;
import io.digitloc.export.OnnxExport;
import io.digitloc.io.HadoopConf;
import io.digitloc.spark.ClusterPaths;
import org.apache.hadoop.fs.Path;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

/** {@code export}: a trained model in a format other runtimes load (ONNX), no Spark needed. */
@Command(name = "export", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Export a trained model for runtimes outside the JVM: ONNX (opset " + OnnxExport.OPSET + "), "
                + "input '" + OnnxExport.INPUT + "' float [N,1,S,S] (pixels / 255), outputs 'classification' [N,10] "
                + "(probabilities) and 'bounding_box' [N,4] (xmin, ymin, xmax, ymax as fractions of the canvas). "
                + "The file appears complete or not at all."})
final class ExportCommand implements Callable<Integer> {
    /** Formats the export writes. */
    enum Format { ONNX }

    @Mixin
    CommonOptions common;

    @Option(names = "--model", paramLabel = "DIR_OR_ZIP",
            description = "A model zip, or a run directory holding model.zip (default: <model-dir>/model.zip).")
    String model;

    @Mixin
    ModelDirOption modelDir;

    @Option(names = "--format", paramLabel = "onnx", defaultValue = "onnx",
            description = "Output format (default: ${DEFAULT-VALUE}; the only one so far).")
    Format format;

    @Option(names = "--out", paramLabel = "FILE",
            description = "Output file on any Hadoop filesystem (default: model.onnx beside the model); replaced if it exists.")
    String out;

    @Option(names = "--canvas-size", paramLabel = "PX",
            description = "Canvas side the model was trained for (default: ${sys:digitloc.default.data.canvas-size}).")
    Integer canvasSize;

    @Override
    public Integer call() {
        Map<String, Object> o = new LinkedHashMap<>();
        modelDir.addTo(o);
        CommonOptions.put(o, "digitloc.eval.model", model);
        CommonOptions.put(o, "digitloc.data.canvas-size", canvasSize);
        Settings settings = common.load(o);
        HadoopConf conf = HadoopConf.local();
        Path modelFile = OnnxExport.modelFile(new Path(settings.eval().modelPath(settings.train().modelDir())), conf);
        Path target = out != null ? new Path(out) : new Path(modelFile.getParent(), RunLayout.ONNX);
        ClusterPaths.requireReachable("--out", target.toString());
        int size = settings.data().canvasSize();
        OnnxExport.Result r = OnnxExport.export(modelFile, size, target, conf);
        System.out.printf(Locale.ROOT, "export: %s -> %s (ONNX opset %d, %.1f MB): input %s [N,1,%d,%d], outputs "
                        + "classification [N,10], bounding_box [N,4]%n", r.model(), r.onnx(), OnnxExport.OPSET,
                r.bytes() / 1e6, OnnxExport.INPUT, size, size);
        return 0;
    }
}
