package io.digitloc.model;

import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.LayerValidation;
import org.deeplearning4j.optimize.api.TrainingListener;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.Collection;

/**
 * DL4J's convolution layer configuration, instantiated as a {@link FastConvolutionLayer}: the same
 * layer, parameters and JSON fields, with a backward pass that does not recompute the forward
 * convolution (identity or ReLU activation). Saved models hold DL4J's own ConvolutionLayer instead
 * ({@link StockLayers}).
 */
public class FastConvolution extends ConvolutionLayer {

    public FastConvolution() {
        // for Jackson: DL4J stores layer configurations as JSON with the class name
    }

    FastConvolution(ConvolutionLayer.Builder builder) {
        super(builder);
    }

    @Override
    public org.deeplearning4j.nn.api.Layer instantiate(NeuralNetConfiguration conf,
                                                       Collection<TrainingListener> listeners, int layerIndex,
                                                       INDArray layerParamsView, boolean initializeParams,
                                                       DataType networkDataType) {
        LayerValidation.assertNInNOutSet("FastConvolution", getLayerName(), layerIndex, getNIn(), getNOut());
        FastConvolutionLayer layer = new FastConvolutionLayer(conf, networkDataType);
        layer.setListeners(listeners);
        layer.setIndex(layerIndex);
        layer.setParamsViewArray(layerParamsView);
        layer.setParamTable(initializer().init(conf, layerParamsView, initializeParams));
        layer.setConf(conf);
        return layer;
    }
}
