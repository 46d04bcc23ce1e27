package io.digitloc.model;

import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.layers.convolution.ConvolutionLayer;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.activations.impl.ActivationIdentity;
import org.nd4j.linalg.activations.impl.ActivationReLU;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * DL4J's convolution layer whose backward pass reuses the forward pass's output. DL4J's
 * {@code backpropGradient} recomputes the pre-activation z (a whole forward convolution) only to
 * take the activation's derivative. With the identity activation (the network applies ReLU in the
 * next layer, {@link AveragePooling2x2} with {@code relu}) the output is z itself; with ReLU the
 * derivative is 1 where z &gt; 0, which is exactly where relu(z) &gt; 0. Either way the output kept
 * from the training forward pass gives the same gradient. Used only with the oneDNN/cuDNN helper
 * (the im2col fallback needs the recomputed im2col buffer); otherwise, and at inference, this is
 * DL4J's layer unchanged.
 * The kept activation lives in the iteration's activation workspace, which the next layer also
 * reads in its own backward pass, so it is intact until this layer's backward pass.
 */
public class FastConvolutionLayer extends ConvolutionLayer {
    private transient INDArray forwardActivation;
    private transient long reused;

    public FastConvolutionLayer(NeuralNetConfiguration conf, DataType dataType) {
        super(conf, dataType);
    }

    @Override
    public INDArray activate(boolean training, LayerWorkspaceMgr workspaceMgr) {
        INDArray activation = super.activate(training, workspaceMgr);
        forwardActivation = training && reusable() ? activation : null;
        return activation;
    }

    @Override
    protected Pair<INDArray, INDArray> preOutput4d(boolean training, boolean forBackprop, LayerWorkspaceMgr workspaceMgr) {
        INDArray kept = forwardActivation;
        forwardActivation = null;
        if (forBackprop && kept != null && reusable()) {
            reused++;
            return new Pair<>(kept, null);
        }
        return super.preOutput4d(training, forBackprop, workspaceMgr);
    }

    @Override
    public void clear() {
        super.clear();
        forwardActivation = null;
    }

    /** Backward passes that reused the forward output (for tests and diagnostics). */
    long reusedForwardPasses() {
        return reused;
    }

    private boolean reusable() {
        var activation = layerConf().getActivationFn();
        if (helper == null || helperCountFail != 0) {
            return false;
        }
        return activation instanceof ActivationIdentity || activation instanceof ActivationReLU relu
                && relu.getMax() == null && isZero(relu.getThreshold()) && isZero(relu.getNegativeSlope());
    }

    private static boolean isZero(Double value) {
        return value == null || value == 0.0;
    }
}
