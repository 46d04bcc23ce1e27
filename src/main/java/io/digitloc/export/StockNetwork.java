package io.digitloc.export;

import io.digitloc.core.Digits;
import io.digitloc.model.LocalizerNet;
import io.digitloc.model.ModelException;
import io.digitloc.model.StockLayers;
import org.deeplearning4j.nn.conf.CNN2DFormat;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.InputPreProcessor;
import org.deeplearning4j.nn.conf.graph.GraphVertex;
import org.deeplearning4j.nn.conf.graph.LayerVertex;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.Layer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.conf.layers.PoolingType;
import org.deeplearning4j.nn.conf.layers.SubsamplingLayer;
import org.deeplearning4j.nn.conf.preprocessor.CnnToFeedForwardPreProcessor;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.activations.IActivation;
import org.nd4j.linalg.activations.impl.ActivationIdentity;
import org.nd4j.linalg.activations.impl.ActivationReLU;
import org.nd4j.linalg.activations.impl.ActivationSoftmax;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The parameters of the project's network read out of a DL4J graph, once the graph is checked to be
 * exactly that network: input → 3 x (3x3 convolution, stride 1, no padding, ReLU → 2x2 average pooling,
 * stride 2), all NCHW → DL4J's CNN-to-feed-forward flattening → dense ReLU → {@value LocalizerNet#CLASSIFICATION}
 * (softmax) and {@value LocalizerNet#BOUNDING_BOX} (identity). Anything else is refused with a message
 * naming the layer, rather than exported into a graph that computes something else. The project's fast
 * layers are read in their stock form (same parameters).
 *
 * <p>Layouts, as DL4J keeps them: convolution weights [out, in, kh, kw] (ONNX's Conv order too), dense
 * weights [in, out] (ONNX Gemm without transposition), biases [out].
 */
record StockNetwork(String input, int canvasSize, List<Convolution> convolutions, Dense dense, Dense classifier,
                    Dense box) {
    static final int KERNEL = 3;
    static final int POOL = 2;
    static final int BLOCKS = 3;

    /** A convolution's parameters: weights [out, in, KERNEL, KERNEL] in C order, bias [out]. */
    record Convolution(String name, long out, long in, float[] weights, float[] bias) {
    }

    /** A fully connected layer's parameters: weights [in, out] in C order, bias [out]. */
    record Dense(String name, long in, long out, float[] weights, float[] bias) {
    }

    /** Side of the feature maps after the last pooling, for canvases of {@code size}. */
    static int featureSide(int size) {
        int side = size;
        for (int b = 0; b < BLOCKS; b++) {
            side = (side - (KERNEL - 1)) / POOL; // valid convolution, then pooling that drops a last odd row
        }
        return side;
    }

    /**
     * Reads {@code net} (fast or stock layers) for square canvases of {@code canvasSize}.
     *
     * @param where names the model in messages (its path)
     * @throws ModelException when the graph is not this network, or not for canvases of that size
     */
    static StockNetwork of(ComputationGraph net, int canvasSize, String where) {
        ComputationGraph stock = StockLayers.toStock(net);
        ComputationGraphConfiguration conf = stock.getConfiguration();
        Reader r = new Reader(stock, conf, where);
        if (conf.getNetworkInputs().size() != 1) {
            throw r.refuse("it has " + conf.getNetworkInputs().size() + " inputs, not one canvas input");
        }
        String input = conf.getNetworkInputs().get(0);
        String previous = input;
        List<Convolution> convolutions = new ArrayList<>();
        for (int block = 0; block < BLOCKS; block++) {
            String conv = r.onlyConsumer(previous);
            convolutions.add(r.convolution(conv, block == 0 ? 1 : convolutions.get(block - 1).out()));
            String pool = r.onlyConsumer(conv);
            r.averagePooling(pool);
            previous = pool;
        }
        // the layers so far fit any canvas size; the dense layer's inputs tell which one it was trained for
        LocalizerNet.requireFits(stock, canvasSize, where);
        int side = featureSide(canvasSize);
        long channels = convolutions.get(BLOCKS - 1).out();
        String denseName = r.onlyConsumer(previous);
        r.flattening(denseName, channels, side);
        Dense dense = r.dense(denseName, DenseLayer.class, ActivationReLU.class, channels * side * side, -1);
        Set<String> heads = new HashSet<>(r.consumers(denseName));
        if (!heads.equals(Set.of(LocalizerNet.CLASSIFICATION, LocalizerNet.BOUNDING_BOX))) {
            throw r.refuse("layer " + denseName + " feeds " + heads + ", not the two heads "
                    + LocalizerNet.CLASSIFICATION + " and " + LocalizerNet.BOUNDING_BOX);
        }
        Dense classifier = r.dense(LocalizerNet.CLASSIFICATION, OutputLayer.class, ActivationSoftmax.class, dense.out(),
                Digits.CLASSES);
        Dense box = r.dense(LocalizerNet.BOUNDING_BOX, OutputLayer.class, ActivationIdentity.class, dense.out(),
                Digits.BOX_VALUES);
        r.requireAllVisited();
        return new StockNetwork(input, canvasSize, List.copyOf(convolutions), dense, classifier, box);
    }

    /** Walks the graph's configuration, checking each layer it reads; remembers what it saw. */
    private static final class Reader {
        private final ComputationGraph net;
        private final ComputationGraphConfiguration conf;
        private final String where;
        private final Set<String> visited = new HashSet<>();

        Reader(ComputationGraph net, ComputationGraphConfiguration conf, String where) {
            this.net = net;
            this.conf = conf;
            this.where = where;
        }

        ModelException refuse(String why) {
            return new ModelException(where + " is not the digit localisation network this export knows (3 x conv 3x3 "
                    + "ReLU + 2x2 average pooling, dense ReLU, softmax and box heads): " + why);
        }

        List<String> consumers(String vertex) {
            List<String> out = new ArrayList<>();
            conf.getVertexInputs().forEach((name, inputs) -> {
                if (inputs.contains(vertex)) {
                    out.add(name);
                }
            });
            return out;
        }

        /** The one vertex fed by {@code vertex}, which must take no other input. */
        String onlyConsumer(String vertex) {
            List<String> next = consumers(vertex);
            if (next.size() != 1) {
                throw refuse(vertex + " feeds " + next.size() + " layers " + next + ", expected one");
            }
            String name = next.get(0);
            if (conf.getVertexInputs().get(name).size() != 1) {
                throw refuse("layer " + name + " takes " + conf.getVertexInputs().get(name) + ", expected only " + vertex);
            }
            return name;
        }

        private <T extends Layer> T layer(String name, Class<T> type) {
            GraphVertex v = conf.getVertices().get(name);
            Layer layer = v instanceof LayerVertex lv ? lv.getLayerConf().getLayer() : null;
            // exact classes: DL4J's depthwise, separable, deconvolution... layers extend these
            if (layer == null || layer.getClass() != type) {
                throw refuse("vertex " + name + " is " + (layer == null ? v.getClass().getSimpleName()
                        : layer.getClass().getSimpleName()) + ", expected " + type.getSimpleName());
            }
            visited.add(name);
            return type.cast(layer);
        }

        Convolution convolution(String name, long in) {
            ConvolutionLayer c = layer(name, ConvolutionLayer.class);
            require(name, "kernel", c.getKernelSize(), KERNEL, KERNEL);
            require(name, "stride", c.getStride(), 1, 1);
            require(name, "padding", c.getPadding(), 0, 0);
            require(name, "dilation", c.getDilation(), 1, 1);
            // Truncate = no padding (Keras' "valid"); Same would pad, which the exported graph does not
            if (c.getConvolutionMode() != ConvolutionMode.Truncate) {
                throw refuse("layer " + name + " has convolution mode " + c.getConvolutionMode() + ", expected Truncate");
            }
            requireNchw(name, c.getCnn2dDataFormat());
            requireBias(name, c.hasBias());
            requireActivation(name, c.getActivationFn(), ActivationReLU.class);
            if (c.getNIn() != in) {
                throw refuse("layer " + name + " takes " + c.getNIn() + " channels, expected " + in);
            }
            long out = c.getNOut();
            return new Convolution(name, out, in, param(name, "W", out, in, KERNEL, KERNEL), param(name, "b", out));
        }

        void averagePooling(String name) {
            SubsamplingLayer p = layer(name, SubsamplingLayer.class);
            if (p.getPoolingType() != PoolingType.AVG) {
                throw refuse("layer " + name + " is " + p.getPoolingType() + " pooling, expected AVG");
            }
            require(name, "pooling kernel", p.getKernelSize(), POOL, POOL);
            require(name, "pooling stride", p.getStride(), POOL, POOL);
            require(name, "pooling padding", p.getPadding(), 0, 0);
            require(name, "pooling dilation", p.getDilation(), 1, 1);
            if (p.getConvolutionMode() != ConvolutionMode.Truncate) {
                throw refuse("layer " + name + " has convolution mode " + p.getConvolutionMode() + ", expected Truncate");
            }
            requireNchw(name, p.getCnn2dDataFormat());
        }

        /** The dense layer's input must be DL4J's NCHW flattening: C order over [channels, height, width]. */
        void flattening(String dense, long channels, int side) {
            InputPreProcessor pre = ((LayerVertex) conf.getVertices().get(dense)).getPreProcessor();
            if (!(pre instanceof CnnToFeedForwardPreProcessor f) || f.getFormat() != CNN2DFormat.NCHW
                    || f.getNumChannels() != channels || f.getInputHeight() != side || f.getInputWidth() != side) {
                throw refuse("layer " + dense + " does not flatten " + channels + "x" + side + "x" + side
                        + " NCHW feature maps (its input pre-processor: " + pre + ")");
            }
        }

        Dense dense(String name, Class<? extends org.deeplearning4j.nn.conf.layers.FeedForwardLayer> type,
                    Class<? extends IActivation> activation, long in, long out) {
            var d = layer(name, type);
            if (d instanceof DenseLayer dl && dl.hasLayerNorm()) {
                throw refuse("layer " + name + " has layer normalisation");
            }
            requireBias(name, d instanceof DenseLayer dl ? dl.hasBias() : ((OutputLayer) d).hasBias());
            requireActivation(name, d.getActivationFn(), activation);
            if (d.getNIn() != in || out >= 0 && d.getNOut() != out) {
                throw refuse("layer " + name + " is " + d.getNIn() + " -> " + d.getNOut() + ", expected " + in + " -> "
                        + (out >= 0 ? out : "any"));
            }
            return new Dense(name, in, d.getNOut(), param(name, "W", in, d.getNOut()), param(name, "b", d.getNOut()));
        }

        void requireAllVisited() {
            Set<String> extra = new HashSet<>(conf.getVertices().keySet());
            extra.removeAll(visited);
            extra.removeAll(conf.getNetworkInputs());
            if (!extra.isEmpty()) {
                throw refuse("it has other layers too: " + extra);
            }
        }

        /** A parameter as C-order floats, after checking its shape ({@code [1, n]} and {@code [n]} both fit a bias). */
        private float[] param(String layer, String key, long... shape) {
            INDArray p = net.getLayer(layer).getParam(key);
            long[] expected = shape.length == 1 ? new long[] {1, shape[0]} : shape;
            if (p == null || !Arrays.equals(p.shape(), expected) && !Arrays.equals(p.shape(), shape)) {
                throw refuse("parameter " + layer + "_" + key + " has shape "
                        + (p == null ? "none" : Arrays.toString(p.shape())) + ", expected " + Arrays.toString(shape));
            }
            return Nd4j.toFlattened('c', p.castTo(DataType.FLOAT)).toFloatVector();
        }

        private void require(String layer, String what, int[] values, int a, int b) {
            if (values == null || values.length != 2 || values[0] != a || values[1] != b) {
                throw refuse("layer " + layer + " has " + what + " " + Arrays.toString(values) + ", expected [" + a + ", "
                        + b + "]");
            }
        }

        private void requireNchw(String layer, CNN2DFormat format) {
            if (format != CNN2DFormat.NCHW) {
                throw refuse("layer " + layer + " uses the " + format + " layout, expected NCHW");
            }
        }

        private void requireBias(String layer, boolean hasBias) {
            if (!hasBias) {
                throw refuse("layer " + layer + " has no bias");
            }
        }

        private void requireActivation(String layer, IActivation a, Class<? extends IActivation> expected) {
            boolean plain = !(a instanceof ActivationReLU r) || zero(r.getThreshold()) && zero(r.getNegativeSlope())
                    && r.getMax() == null;
            if (a == null || a.getClass() != expected || !plain) {
                throw refuse("layer " + layer + " has activation " + a + ", expected " + expected.getSimpleName()
                        .replace("Activation", "").toLowerCase(java.util.Locale.ROOT));
            }
        }

        private static boolean zero(Double d) {
            return d == null || d == 0;
        }
    }
}
