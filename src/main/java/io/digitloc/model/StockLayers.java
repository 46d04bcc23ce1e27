package io.digitloc.model;

import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.PoolingType;
import org.deeplearning4j.nn.conf.layers.SubsamplingLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.shade.jackson.databind.JsonNode;
import org.nd4j.shade.jackson.databind.ObjectMapper;
import org.nd4j.shade.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Iterator;
import java.util.Map;

/**
 * Swaps the project's fast layers ({@link FastConvolution} with the identity activation followed by
 * {@link AveragePooling2x2} applying the ReLU) for DL4J's stock layers (a ReLU {@code ConvolutionLayer}
 * followed by an average {@code SubsamplingLayer}, 2x2, stride 2, truncating) and back. The two forms
 * compute the same function with the same parameters in the same order, so the parameter and updater
 * arrays carry over unchanged. Saved models use the stock form, which any DL4J 1.0.0-M2.x program
 * restores without this project's classes; training swaps the fast layers back in.
 */
public final class StockLayers {
    static final String FAST_CONV = FastConvolution.class.getName();
    private static final String SKIP_INPUT_GRADIENT = "skipInputGradient";
    static final String FAST_POOL = AveragePooling2x2.class.getName();
    static final String CONV = "org.deeplearning4j.nn.conf.layers.ConvolutionLayer";
    static final String POOL = SubsamplingLayer.class.getName();
    static final String RELU = "org.nd4j.linalg.activations.impl.ActivationReLU";
    static final String IDENTITY = "org.nd4j.linalg.activations.impl.ActivationIdentity";

    private StockLayers() {
    }

    /** True when {@code net} uses any of the project's own layer classes. */
    public static boolean hasFastLayers(ComputationGraph net) {
        String json = net.getConfiguration().toJson();
        return json.contains(FAST_CONV) || json.contains(FAST_POOL);
    }

    /** {@code net} with DL4J's stock layers (itself when it has none of the project's). */
    public static ComputationGraph toStock(ComputationGraph net) {
        return hasFastLayers(net) ? rebuild(net, toStock(net.getConfiguration())) : net;
    }

    /** {@code net} with the fast layers wherever a stock convolution + 2x2 average pooling allows them. */
    public static ComputationGraph toFast(ComputationGraph net) {
        ComputationGraphConfiguration fast = toFast(net.getConfiguration());
        return fast.toJson().equals(net.getConfiguration().toJson()) ? net : rebuild(net, fast);
    }

    static ComputationGraphConfiguration toStock(ComputationGraphConfiguration conf) {
        ObjectMapper mapper = NeuralNetConfiguration.mapper();
        ObjectNode root = parse(mapper, conf.toJson());
        ObjectNode vertices = (ObjectNode) root.get("vertices");
        for (Iterator<Map.Entry<String, JsonNode>> it = vertices.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            ObjectNode layer = layerOf(e.getValue());
            if (layer == null || !FAST_POOL.equals(type(layer))) {
                continue;
            }
            boolean relu = layer.path("relu").asBoolean(false);
            if (relu) { // the ReLU moves back into the convolution before it
                ObjectNode conv = layerOf(vertices.get(singleInput(root, e.getKey())));
                if (conv == null || !FAST_CONV.equals(type(conv)) || !IDENTITY.equals(type(conv.get("activationFn")))) {
                    throw new ModelException("layer " + e.getKey() + " applies a ReLU but does not follow a fast "
                            + "convolution without activation; cannot express it with DL4J's layers");
                }
                conv.set("activationFn", activation(mapper, RELU));
            }
            ObjectNode stock = stockPool(mapper, e.getKey());
            for (String field : SHARED_POOL_FIELDS) {
                if (layer.has(field)) {
                    stock.set(field, layer.get(field));
                }
            }
            ((ObjectNode) e.getValue().get("layerConf")).set("layer", stock);
        }
        for (JsonNode vertex : iterable(vertices.elements())) {
            ObjectNode layer = layerOf(vertex);
            if (layer != null && FAST_CONV.equals(type(layer))) {
                layer.put("@class", CONV);
                layer.remove(SKIP_INPUT_GRADIENT);
            }
        }
        return ComputationGraphConfiguration.fromJson(root.toString());
    }

    static ComputationGraphConfiguration toFast(ComputationGraphConfiguration conf) {
        ObjectMapper mapper = NeuralNetConfiguration.mapper();
        ObjectNode root = parse(mapper, conf.toJson());
        ObjectNode vertices = (ObjectNode) root.get("vertices");
        for (Iterator<Map.Entry<String, JsonNode>> it = vertices.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            ObjectNode pool = layerOf(e.getValue());
            if (pool == null || !POOL.equals(type(pool)) || !isAverage2x2(pool)) {
                continue;
            }
            String input = singleInput(root, e.getKey());
            ObjectNode conv = input == null ? null : layerOf(vertices.get(input));
            if (conv == null || !CONV.equals(type(conv)) || consumers(root, input) != 1
                    || !"NCHW".equals(conv.path("cnn2dDataFormat").asText("NCHW"))) {
                continue;
            }
            String activation = type(conv.get("activationFn"));
            if (!RELU.equals(activation) && !IDENTITY.equals(activation)
                    || RELU.equals(activation) && !plainRelu(conv.get("activationFn"))) {
                continue;
            }
            conv.put("@class", FAST_CONV);
            if (isNetworkInput(root, singleInput(root, input))) {
                conv.put(SKIP_INPUT_GRADIENT, true); // fed by the network's input: nobody needs that gradient
            }
            conv.set("activationFn", activation(mapper, IDENTITY));
            ObjectNode fast = mapper.createObjectNode();
            fast.put("@class", FAST_POOL);
            for (String field : SHARED_POOL_FIELDS) {
                if (pool.has(field)) {
                    fast.set(field, pool.get(field));
                }
            }
            fast.put("relu", RELU.equals(activation));
            ((ObjectNode) e.getValue().get("layerConf")).set("layer", fast);
        }
        return ComputationGraphConfiguration.fromJson(root.toString());
    }

    /** A graph of {@code conf} holding {@code net}'s parameters and updater state. */
    private static ComputationGraph rebuild(ComputationGraph net, ComputationGraphConfiguration conf) {
        ComputationGraph out = new ComputationGraph(conf);
        out.init(net.params().dup(), false);
        var updater = net.getUpdater(false);
        INDArray state = updater == null ? null : updater.getStateViewArray();
        if (state != null && state.length() > 0) {
            INDArray target = out.getUpdater(true).getStateViewArray();
            if (target == null || target.length() != state.length()) {
                throw new ModelException("updater state of " + state.length() + " values does not fit the rebuilt network");
            }
            target.assign(state);
        }
        return out;
    }

    private static boolean isAverage2x2(ObjectNode pool) {
        return "AVG".equals(pool.path("poolingType").asText()) && ints(pool.get("kernelSize"), 2, 2)
                && ints(pool.get("stride"), 2, 2) && ints(pool.get("padding"), 0, 0)
                && ints(pool.get("dilation"), 1, 1) && "Truncate".equals(pool.path("convolutionMode").asText())
                && "NCHW".equals(pool.path("cnn2dDataFormat").asText("NCHW"));
    }

    /** max(0, x): no cap, threshold or leak (what {@link AveragePooling2x2} applies). */
    private static boolean plainRelu(JsonNode relu) {
        return zeroOrAbsent(relu.path("threshold")) && zeroOrAbsent(relu.path("negativeSlope"))
                && (relu.path("max").isNull() || relu.path("max").isMissingNode());
    }

    private static boolean zeroOrAbsent(JsonNode n) {
        return n.isNull() || n.isMissingNode() || n.asDouble() == 0;
    }

    private static boolean ints(JsonNode array, int a, int b) {
        return array != null && array.size() == 2 && array.get(0).asInt() == a && array.get(1).asInt() == b;
    }

    /** The fields both pooling layers have (NoParamLayer's), carried over as they are. */
    private static final String[] SHARED_POOL_FIELDS = {"constraints", "gradientNormalization",
            "gradientNormalizationThreshold", "idropout", "layerName"};

    private static ObjectNode stockPool(ObjectMapper mapper, String name) {
        SubsamplingLayer pool = new SubsamplingLayer.Builder(PoolingType.AVG).kernelSize(2, 2).stride(2, 2)
                .convolutionMode(ConvolutionMode.Truncate).name(name).build();
        try {
            return (ObjectNode) mapper.readTree(mapper.writeValueAsString(pool));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static ObjectNode activation(ObjectMapper mapper, String type) {
        ObjectNode a = mapper.createObjectNode();
        a.put("@class", type);
        return a;
    }

    private static ObjectNode layerOf(JsonNode vertex) {
        JsonNode layer = vertex == null ? null : vertex.path("layerConf").get("layer");
        return layer instanceof ObjectNode o ? o : null;
    }

    private static String type(JsonNode node) {
        return node == null ? null : node.path("@class").asText(null);
    }

    private static String singleInput(ObjectNode root, String vertex) {
        JsonNode inputs = root.path("vertexInputs").get(vertex);
        return inputs != null && inputs.size() == 1 ? inputs.get(0).asText() : null;
    }

    private static boolean isNetworkInput(ObjectNode root, String vertex) {
        for (JsonNode input : iterable(root.path("networkInputs").elements())) {
            if (input.asText().equals(vertex)) {
                return true;
            }
        }
        return false;
    }

    private static int consumers(ObjectNode root, String vertex) {
        int n = 0;
        for (JsonNode inputs : iterable(root.path("vertexInputs").elements())) {
            for (JsonNode i : iterable(inputs.elements())) {
                n += vertex.equals(i.asText()) ? 1 : 0;
            }
        }
        for (JsonNode o : iterable(root.path("networkOutputs").elements())) {
            n += vertex.equals(o.asText()) ? 1 : 0;
        }
        return n;
    }

    private static <T> Iterable<T> iterable(Iterator<T> it) {
        return () -> it;
    }

    private static ObjectNode parse(ObjectMapper mapper, String json) {
        try {
            return (ObjectNode) mapper.readTree(json);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
