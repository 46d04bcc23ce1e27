package io.digitloc.bench;

import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.Map;

/**
 * The multiply-adds a network does per image, counted from its weights and the sizes of its
 * activations: a layer with weights W whose output has P positions per channel (a convolution's
 * output pixels, 1 for a dense layer) does 2 |W| P FLOP forward, as many again for the gradient of
 * its input and as many for the gradient of its weights. The first layer's input gradient is not
 * needed (the fast layers skip it), so it is not counted. Element-wise passes (ReLU, pooling, Adam)
 * are left out: they are memory-bound, and their FLOP are a few per cent of the total.
 */
public final class StepFlops {
    private StepFlops() {
    }

    /** FLOP per image of one forward pass and of one training step (forward and backward). */
    public record PerImage(double forward, double training) {
    }

    public static PerImage of(ComputationGraph net, INDArray oneImage) {
        Map<String, INDArray> activations = net.feedForward(oneImage, false);
        double forward = 0;
        double inputGradients = 0;
        for (Layer layer : net.getLayers()) {
            INDArray w = layer.numParams() == 0 ? null : layer.paramTable().get("W");
            if (w == null) {
                continue;
            }
            String name = layer.getConfig().getLayerName();
            INDArray out = activations.get(name);
            double flops = 2.0 * w.length() * positions(out);
            forward += flops;
            if (!fedByTheInput(net, name)) {
                inputGradients += flops;
            }
        }
        return new PerImage(forward, 2 * forward + inputGradients);
    }

    /** Output positions per channel: a [1, c, h, w] map has h*w, a [1, n] vector 1. */
    static long positions(INDArray out) {
        return out.rank() == 4 ? out.size(2) * out.size(3) : 1;
    }

    private static boolean fedByTheInput(ComputationGraph net, String layer) {
        var inputs = net.getConfiguration().getVertexInputs().get(layer);
        return inputs != null && inputs.stream().anyMatch(net.getConfiguration().getNetworkInputs()::contains);
    }
}
