package io.digitloc.model;

import org.deeplearning4j.nn.api.ParamInitializer;
import org.deeplearning4j.nn.conf.CNN2DFormat;
import org.deeplearning4j.nn.conf.InputPreProcessor;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.InputTypeUtil;
import org.deeplearning4j.nn.conf.layers.NoParamLayer;
import org.deeplearning4j.nn.conf.memory.LayerMemoryReport;
import org.deeplearning4j.nn.conf.memory.MemoryReport;
import org.deeplearning4j.nn.params.EmptyParamInitializer;
import org.deeplearning4j.optimize.api.TrainingListener;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.Collection;

/**
 * Configuration of 2x2 average pooling with stride 2 and "valid" (truncating) borders, on NCHW
 * activations, optionally after a ReLU: the same function as DL4J's ReLU activation followed by
 * {@code SubsamplingLayer} (AVG, 2x2, stride 2, Truncate), computed by {@link AveragePooling2x2Layer}
 * in one plain-Java pass instead of ND4J's {@code relu}, {@code relu_bp} and {@code avgpool2d}
 * kernels (the latter slow on NCHW data: docs/performance.md).
 * No parameters; a model is saved with DL4J's stock layers in its place ({@link StockLayers}).
 */
public class AveragePooling2x2 extends NoParamLayer {
    /** Apply ReLU to the input before pooling (the previous layer then has the identity activation). */
    private boolean relu;

    public AveragePooling2x2() {
        // for Jackson: DL4J stores layer configurations as JSON with the class name
    }

    public AveragePooling2x2(boolean relu) {
        this.relu = relu;
    }

    public boolean isRelu() {
        return relu;
    }

    public void setRelu(boolean relu) {
        this.relu = relu;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof AveragePooling2x2 other && super.equals(o) && relu == other.relu;
    }

    @Override
    public int hashCode() {
        return 31 * super.hashCode() + Boolean.hashCode(relu);
    }

    @Override
    public org.deeplearning4j.nn.api.Layer instantiate(NeuralNetConfiguration conf,
                                                       Collection<TrainingListener> listeners, int layerIndex,
                                                       INDArray layerParamsView, boolean initializeParams,
                                                       DataType networkDataType) {
        AveragePooling2x2Layer layer = new AveragePooling2x2Layer(conf, networkDataType);
        layer.setListeners(listeners);
        layer.setIndex(layerIndex);
        layer.setParamTable(initializer().init(conf, layerParamsView, initializeParams));
        layer.setConf(conf);
        return layer;
    }

    @Override
    public ParamInitializer initializer() {
        return EmptyParamInitializer.getInstance();
    }

    @Override
    public InputType getOutputType(int layerIndex, InputType inputType) {
        InputType.InputTypeConvolutional in = convolutional(inputType);
        return InputType.convolutional(in.getHeight() / 2, in.getWidth() / 2, in.getChannels(), CNN2DFormat.NCHW);
    }

    @Override
    public void setNIn(InputType inputType, boolean override) {
        convolutional(inputType); // nothing to size: no parameters
    }

    @Override
    public InputPreProcessor getPreProcessorForInputType(InputType inputType) {
        return InputTypeUtil.getPreProcessorForInputTypeCnnLayers(inputType, getLayerName());
    }

    @Override
    public LayerMemoryReport getMemoryReport(InputType inputType) {
        return new LayerMemoryReport.Builder(layerName, AveragePooling2x2.class, inputType,
                getOutputType(-1, inputType))
                .standardMemory(0, 0)
                .workingMemory(0, 0, MemoryReport.CACHE_MODE_ALL_ZEROS, MemoryReport.CACHE_MODE_ALL_ZEROS)
                .cacheMemory(MemoryReport.CACHE_MODE_ALL_ZEROS, MemoryReport.CACHE_MODE_ALL_ZEROS)
                .build();
    }

    private InputType.InputTypeConvolutional convolutional(InputType inputType) {
        if (!(inputType instanceof InputType.InputTypeConvolutional c) || c.getFormat() != CNN2DFormat.NCHW) {
            throw new IllegalStateException("layer " + getLayerName() + " takes NCHW convolutional input, not " + inputType);
        }
        if (c.getHeight() < 2 || c.getWidth() < 2) {
            throw new IllegalStateException("layer " + getLayerName() + " needs at least 2x2 input, not " + inputType);
        }
        return c;
    }
}
