package io.digitloc.model;

import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.LayerValidation;
import org.deeplearning4j.optimize.api.TrainingListener;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.Collection;

/**
 * DL4J's convolution layer configuration, instantiated as a {@link ReluConvolutionLayer}: the same
 * layer, parameters and JSON fields, with a backward pass that does not recompute the forward
 * convolution when the activation is ReLU. A saved model records this class by name.
 */
public class ReluConvolution extends ConvolutionLayer {

    public ReluConvolution() {
        // for Jackson: DL4J stores layer configurations as JSON with the class name
    }

    ReluConvolution(ConvolutionLayer.Builder builder) {
        super(builder);
    }

    @Override
    public org.deeplearning4j.nn.api.Layer instantiate(NeuralNetConfiguration conf,
                                                       Collection<TrainingListener> listeners, int layerIndex,
                                                       INDArray layerParamsView, boolean initializeParams,
                                                       DataType networkDataType) {
        LayerValidation.assertNInNOutSet("ReluConvolution", getLayerName(), layerIndex, getNIn(), getNOut());
        ReluConvolutionLayer layer = new ReluConvolutionLayer(conf, networkDataType);
        layer.setListeners(listeners);
        layer.setIndex(layerIndex);
        layer.setParamsViewArray(layerParamsView);
        layer.setParamTable(initializer().init(conf, layerParamsView, initializeParams));
        layer.setConf(conf);
        return layer;
    }
}
