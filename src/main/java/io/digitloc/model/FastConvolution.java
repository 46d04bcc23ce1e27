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
 * ({@link StockLayers}). When its input is the network's input, nobody needs the gradient with
 * respect to that input, and {@link #isSkipInputGradient()} lets the layer compute its parameters'
 * gradients only (as PyTorch does for a leaf input).
 */
public class FastConvolution extends ConvolutionLayer {
    /** Leave out the input's gradient (only for a layer fed by the network's input). */
    private boolean skipInputGradient;

    public FastConvolution() {
        // for Jackson: DL4J stores layer configurations as JSON with the class name
    }

    FastConvolution(ConvolutionLayer.Builder builder, boolean skipInputGradient) {
        super(builder);
        this.skipInputGradient = skipInputGradient;
    }

    public boolean isSkipInputGradient() {
        return skipInputGradient;
    }

    public void setSkipInputGradient(boolean skipInputGradient) {
        this.skipInputGradient = skipInputGradient;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof FastConvolution other && super.equals(o) && skipInputGradient == other.skipInputGradient;
    }

    @Override
    public int hashCode() {
        return 31 * super.hashCode() + Boolean.hashCode(skipInputGradient);
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
