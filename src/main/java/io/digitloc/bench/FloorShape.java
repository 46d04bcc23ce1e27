package io.digitloc.bench;

import io.digitloc.config.NetworkSettings;
import io.digitloc.config.OptimiserSettings;
import io.digitloc.config.Settings;
import io.digitloc.model.AveragePooling2x2;
import io.digitloc.model.LocalizerNet;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.graph.LayerVertex;
import org.deeplearning4j.nn.conf.layers.BaseLayer;
import org.deeplearning4j.nn.conf.layers.BaseOutputLayer;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.Layer;
import org.deeplearning4j.nn.conf.layers.SubsamplingLayer;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * Whether the network the settings build is the one {@link DnnlStepFloor} runs, and what differs if not:
 * each layer of the DL4J graph is described in words and compared with the harness's own description,
 * so a change to {@code LocalizerNet} or a setting the harness does not build (another canvas size,
 * dropout, weight decay, another optimiser) is named instead of timed.
 */
final class FloorShape {
    private FloorShape() {
    }

    /** Empty when the harness builds the settings' network. */
    static List<String> differences(Settings settings) {
        List<String> out = new ArrayList<>();
        int size = settings.data().canvasSize();
        NetworkSettings n = settings.train().network();
        if (size != DnnlStepFloor.CANVAS) {
            out.add("canvas size " + size + " (the harness builds " + DnnlStepFloor.CANVAS + "x" + DnnlStepFloor.CANVAS + ")");
        }
        if (n.classifierDropout() > 0) {
            out.add("classifier dropout " + n.classifierDropout() + " (the harness has no dropout)");
        }
        if (n.weightDecay() > 0) {
            out.add("weight decay " + n.weightDecay() + " (the harness's Adam has none)");
        }
        if (settings.train().optimiser().updater() != OptimiserSettings.Updater.ADAM) {
            out.add("updater " + settings.train().optimiser().updater() + " (the harness runs Adam)");
        }
        if (out.isEmpty()) {
            out.addAll(layers(LocalizerNet.finalModel(size, settings.train(), settings.seed(), null)));
        }
        return out;
    }

    /** The graph's layers against the harness's, by name and in words. */
    static List<String> layers(ComputationGraphConfiguration conf) {
        Map<String, String> expected = expected();
        List<String> out = new ArrayList<>();
        for (String name : conf.getVertices().keySet()) {
            if (!expected.containsKey(name)) {
                out.add("layer " + name + " (the harness has none of that name)");
            }
        }
        for (Map.Entry<String, String> e : expected.entrySet()) {
            String has = conf.getVertices().get(e.getKey()) instanceof LayerVertex v
                    ? describe(conf, v.getLayerConf().getLayer()) : "nothing";
            if (!has.equals(e.getValue())) {
                out.add(e.getKey() + ": the model has " + has + ", the harness builds " + e.getValue());
            }
        }
        return out;
    }

    private static Map<String, String> expected() {
        Map<String, String> expected = new java.util.LinkedHashMap<>();
        for (int b = 0; b < DnnlStepFloor.FILTERS.length; b++) {
            expected.put("conv" + (b + 1), "3x3 convolution, stride 1, no padding, " + DnnlStepFloor.FILTERS[b]
                    + " filters with bias, then ReLU");
            expected.put("pool" + (b + 1), "2x2 average pooling, stride 2, no padding");
        }
        int side = DnnlStepFloor.finalSide();
        expected.put("dense", "dense " + (DnnlStepFloor.FILTERS[2] * side * side) + " -> " + DnnlStepFloor.DENSE + ", relu");
        expected.put("classification", "output " + DnnlStepFloor.DENSE + " -> " + DnnlStepFloor.CLASSES + ", softmax, LossMCXENT");
        expected.put("bounding_box", "output " + DnnlStepFloor.DENSE + " -> " + DnnlStepFloor.BOX + ", identity, "
                + "LossMSE or LossMAE");
        return expected;
    }

    private static String describe(ComputationGraphConfiguration conf, Layer layer) {
        if (layer.getIDropout() != null) {
            return "dropout " + layer.getIDropout() + " on its input";
        }
        if (layer instanceof ConvolutionLayer c) {
            boolean plain = Arrays.equals(c.getStride(), new int[] {1, 1}) && Arrays.equals(c.getPadding(), new int[] {0, 0})
                    && Arrays.equals(c.getDilation(), new int[] {1, 1}) && c.getConvolutionMode() != ConvolutionMode.Same;
            return c.getKernelSize()[0] + "x" + c.getKernelSize()[1] + " convolution, "
                    + (plain ? "stride 1, no padding" : "strides " + Arrays.toString(c.getStride()) + " padding "
                    + Arrays.toString(c.getPadding()) + " " + c.getConvolutionMode()) + ", " + c.getNOut() + " filters"
                    + (c.hasBias() ? " with bias" : "") + ", then " + (reluAfter(conf, c) ? "ReLU" : c.getActivationFn());
        }
        if (layer instanceof AveragePooling2x2) {
            return "2x2 average pooling, stride 2, no padding";
        }
        if (layer instanceof SubsamplingLayer s) {
            boolean avg = String.valueOf(s.getPoolingType()).equals("AVG");
            return s.getKernelSize()[0] + "x" + s.getKernelSize()[1] + (avg ? " average" : " " + s.getPoolingType())
                    + " pooling, stride " + s.getStride()[0] + (Arrays.equals(s.getPadding(), new int[] {0, 0})
                    && s.getConvolutionMode() != ConvolutionMode.Same ? ", no padding" : ", padded");
        }
        if (layer instanceof BaseOutputLayer o) {
            String loss = o.getLossFn().getClass().getSimpleName();
            return "output " + o.getNIn() + " -> " + o.getNOut() + ", " + o.getActivationFn() + ", "
                    + (loss.equals("LossMSE") || loss.equals("LossMAE") ? "LossMSE or LossMAE" : loss);
        }
        if (layer instanceof DenseLayer d) {
            return "dense " + d.getNIn() + " -> " + d.getNOut() + ", " + d.getActivationFn();
        }
        return layer.getClass().getSimpleName();
    }

    /** ReLU on the convolution itself, or (the fast layers) in the average pooling layer right after it. */
    private static boolean reluAfter(ComputationGraphConfiguration conf, BaseLayer conv) {
        if (conv.getActivationFn().toString().equals("relu")) {
            return true;
        }
        String name = conv.getLayerName();
        return conv.getActivationFn().toString().equals("identity") && conf.getVertexInputs().entrySet().stream()
                .filter(e -> e.getValue().equals(List.of(name)))
                .map(e -> conf.getVertices().get(e.getKey()))
                .anyMatch(v -> v instanceof LayerVertex lv && lv.getLayerConf().getLayer() instanceof AveragePooling2x2 a
                        && a.isRelu());
    }
}
