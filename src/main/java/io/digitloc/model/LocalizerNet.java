package io.digitloc.model;

import io.digitloc.config.StepPlan;
import io.digitloc.config.NetworkSettings;
import io.digitloc.config.OptimiserSettings;
import io.digitloc.config.TrainSettings;
import io.digitloc.core.Digits;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.WorkspaceMode;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.conf.layers.PoolingType;
import org.deeplearning4j.nn.conf.layers.SubsamplingLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.weights.WeightInit;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.learning.config.IUpdater;
import org.nd4j.linalg.learning.config.Nesterovs;
import org.nd4j.linalg.learning.config.Sgd;
import org.nd4j.linalg.lossfunctions.LossFunctions;
import org.nd4j.linalg.lossfunctions.ILossFunction;
import org.nd4j.linalg.lossfunctions.impl.LossMAE;
import org.nd4j.linalg.lossfunctions.impl.LossMSE;
import org.nd4j.linalg.schedule.ISchedule;
import org.nd4j.linalg.schedule.MapSchedule;
import org.nd4j.linalg.schedule.ScheduleType;

import java.util.HashMap;
import java.util.Map;

/**
 * The network of the reference exercise as one DL4J {@link ComputationGraph}: a shared
 * {@link #featureExtractor} (three 3x3 convolutions of 16, 32, 64 filters with ReLU, each
 * followed by 2x2 average pooling), a {@link #denseLayers dense} 128-unit ReLU layer, and two heads:
 * the {@link #classifier} ({@value #CLASSIFICATION}, 10-way softmax, cross-entropy) and the
 * {@link #boundingBoxRegression} ({@value #BOUNDING_BOX}, 4 linear outputs, MSE), weighted 1:1.
 * With a 75x75 input it has 426,638 parameters, as the Keras model.
 */
public final class LocalizerNet {
    public static final String INPUT = "image";
    public static final String CLASSIFICATION = "classification";
    public static final String BOUNDING_BOX = "bounding_box";

    private LocalizerNet() {
    }

    /**
     * The untrained network, its weights initialised from {@code seed}, for square canvases of
     * {@code canvasSize} pixels, from the {@link #finalModel} configuration.
     */
    public static ComputationGraph untrained(int canvasSize, TrainSettings train, long seed) {
        return untrained(canvasSize, train, seed, null);
    }

    /**
     * @param steps where the run's counted steps fall, for the learning-rate schedule (null: the configured
     *              rate throughout)
     */
    public static ComputationGraph untrained(int canvasSize, TrainSettings train, long seed, StepPlan steps) {
        ComputationGraph net = new ComputationGraph(finalModel(canvasSize, train, seed, steps));
        net.init();
        io.digitloc.platform.NativeSetup.blasOnCallingThread();
        return net;
    }

    /**
     * The whole graph, as the reference's {@code final_model} combines it: the {@link #featureExtractor}, the
     * {@link #denseLayers}, the {@link #classifier} and {@link #boundingBoxRegression} heads, the updater.
     */
    public static ComputationGraphConfiguration finalModel(int canvasSize, TrainSettings train, long seed,
                                                           StepPlan steps) {
        NeuralNetConfiguration.Builder base = new NeuralNetConfiguration.Builder();
        if (train.network().weightDecay() > 0) { // the weights only, scaled by the rate (AdamW's decoupled decay)
            base.weightDecay(train.network().weightDecay());
        }
        ComputationGraphConfiguration.GraphBuilder g = base
                .seed(seed)
                .updater(updater(train, steps))
                .weightInit(WeightInit.XAVIER_UNIFORM) // Keras' glorot_uniform, zero biases
                .convolutionMode(ConvolutionMode.Truncate) // Keras' "valid" padding
                .trainingWorkspaceMode(WorkspaceMode.ENABLED)
                .inferenceWorkspaceMode(WorkspaceMode.ENABLED)
                .graphBuilder()
                .addInputs(INPUT)
                .setInputTypes(InputType.convolutional(canvasSize, canvasSize, 1));
        String features = featureExtractor(g, INPUT, train.network().fastLayers());
        String dense = denseLayers(g, features);
        classifier(g, dense, train.network().classifierDropout());
        boundingBoxRegression(g, dense, train.network().boxLossWeight(), train.network().boxLoss());
        return onceEach(g.setOutputs(CLASSIFICATION, BOUNDING_BOX).build());
    }

    /**
     * Mends a DL4J defect: a weight decay set on the global builder ends up twice in every layer's list
     * (LocalizerNetTest pins it), and the updater applies each entry, doubling the decay. Keeps one of each.
     */
    static ComputationGraphConfiguration onceEach(ComputationGraphConfiguration conf) {
        for (var vertex : conf.getVertices().values()) {
            if (vertex instanceof org.deeplearning4j.nn.conf.graph.LayerVertex v
                    && v.getLayerConf().getLayer() instanceof org.deeplearning4j.nn.conf.layers.BaseLayer layer
                    && layer.getRegularization() != null) {
                layer.setRegularization(new java.util.ArrayList<>(new java.util.LinkedHashSet<>(layer.getRegularization())));
            }
        }
        return conf;
    }

    /** Conv 16 → AvgPool → Conv 32 → AvgPool → Conv 64 → AvgPool; returns the last vertex name. */
    static String featureExtractor(ComputationGraphConfiguration.GraphBuilder g, String input, boolean fastLayers) {
        String previous = input;
        int block = 1;
        for (int filters : new int[] {16, 32, 64}) {
            String conv = "conv" + block;
            String pool = "pool" + block;
            // fast layers: the ReLU moves into the pooling layer's single pass (same function)
            ConvolutionLayer.Builder convolution = new ConvolutionLayer.Builder(3, 3).nOut(filters)
                    .activation(fastLayers ? Activation.IDENTITY : Activation.RELU);
            // the first convolution's input is the canvas: no layer below needs its gradient
            g.addLayer(conv, fastLayers ? new FastConvolution(convolution, block == 1) : convolution.build(), previous);
            g.addLayer(pool, fastLayers ? new AveragePooling2x2(true)
                    : new SubsamplingLayer.Builder(PoolingType.AVG).kernelSize(2, 2).stride(2, 2).build(), conv);
            previous = pool;
            block++;
        }
        return previous;
    }

    /** Flatten (added by DL4J from the input types) → Dense 128 ReLU. */
    static String denseLayers(ComputationGraphConfiguration.GraphBuilder g, String input) {
        g.addLayer("dense", new DenseLayer.Builder().nOut(128).activation(Activation.RELU).build(), input);
        return "dense";
    }

    /**
     * The classification head: 10-way softmax trained with multi-class cross-entropy, optionally with
     * dropout on its input (only this head's: the box head keeps every feature).
     */
    static void classifier(ComputationGraphConfiguration.GraphBuilder g, String input, double dropout) {
        OutputLayer.Builder head = new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT)
                .nOut(Digits.CLASSES).activation(Activation.SOFTMAX);
        if (dropout > 0) {
            head.dropOut(1 - dropout); // DL4J takes the probability of keeping an input
        }
        g.addLayer(CLASSIFICATION, head.build(), input);
    }

    /**
     * The bounding-box head: 4 linear outputs (xmin, ymin, xmax, ymax) trained with MSE or MAE (DL4J's
     * stock losses, so saved models stay plain DL4J), scaled by {@code weight} against the classification
     * loss (1 = the reference's 1:1).
     */
    static void boundingBoxRegression(ComputationGraphConfiguration.GraphBuilder g, String input, double weight,
                                      NetworkSettings.BoxLoss kind) {
        INDArray weights = weight == 1.0 ? null
                : Nd4j.create(new float[] {(float) weight, (float) weight, (float) weight, (float) weight});
        ILossFunction loss = switch (kind) {
            case MSE -> weights == null ? new LossMSE() : new LossMSE(weights);
            case MAE -> weights == null ? new LossMAE() : new LossMAE(weights);
        };
        g.addLayer(BOUNDING_BOX, new OutputLayer.Builder(loss)
                .nOut(Digits.BOX_VALUES).activation(Activation.IDENTITY).build(), input);
    }

    /**
     * Fails with a clear message when {@code net} is not this network, or was built for canvases of
     * another size (instead of a shape error deep inside ND4J).
     */
    public static void requireFits(ComputationGraph net, int size, String where) {
        var outputs = net.getConfiguration().getNetworkOutputs();
        if (!outputs.equals(java.util.List.of(CLASSIFICATION, BOUNDING_BOX)) || net.getLayer("dense") == null) {
            throw new ModelException(where + " is not a digit localisation model (outputs " + outputs + ")");
        }
        long nIn = ((org.deeplearning4j.nn.conf.layers.FeedForwardLayer) net.getLayer("dense").conf().getLayer()).getNIn();
        if (nIn != denseInputs(size)) {
            throw new ModelException(where + " was trained on canvases of another size: it cannot take " + size + "x"
                    + size + " canvases (its dense layer expects " + nIn + " inputs, not " + denseInputs(size) + ")");
        }
    }

    /** Inputs of the dense layer for square canvases of {@code size}: 64 feature maps after three conv+pool blocks. */
    public static long denseInputs(int size) {
        int side = size;
        for (int block = 0; block < 3; block++) {
            side = (side - 2) / 2;
        }
        return 64L * side * side;
    }

    static IUpdater updater(TrainSettings train, StepPlan steps) {
        ISchedule lr = learningRate(train, steps);
        return switch (train.optimiser().updater()) {
            case ADAM -> new Adam(lr);
            case NESTEROVS -> new Nesterovs(lr, 0.9);
            case SGD -> new Sgd(lr);
        };
    }

    /**
     * The learning rate per counted step: constant, stepped down by lr-decay-factor after each of
     * lr-decay-epochs, or linear or cosine down to zero at the last step; optionally ramped up from zero
     * over lr-warmup-epochs first; then times the epoch's factor for its global batch. Where a step falls
     * in the run is read from {@code steps}, so the shape follows samples even when an epoch's step count
     * changes with its batch. Always a {@link MapSchedule} (piecewise constant, about
     * {@value #SCHEDULE_POINTS} points plus each epoch's start), so the configuration stays plain JSON for
     * Spark workers and saved models. (ND4J's PolySchedule cannot do this: it computes
     * lr * (1 + i/max)^power, which grows.)
     */
    static ISchedule learningRate(TrainSettings train, StepPlan steps) {
        double lr = train.optimiser().learningRate();
        if (steps == null) {
            return new MapSchedule(ScheduleType.ITERATION, Map.of(0, lr));
        }
        long total = Math.min(Integer.MAX_VALUE, steps.total());
        java.util.TreeSet<Integer> points = new java.util.TreeSet<>();
        for (int epoch = 1; epoch <= steps.epochs() + 1; epoch++) {
            points.add((int) Math.min(total, steps.first(epoch)));
        }
        for (long i = 0; i < total; i += Math.max(1, total / SCHEDULE_POINTS)) {
            points.add((int) i);
        }
        Map<Integer, Double> values = new HashMap<>();
        for (int i : points) {
            values.put(i, baseRate(train, steps.epochsAt(i), steps.epochsAt(i + 1L)) * steps.factor(i));
        }
        return new MapSchedule(ScheduleType.ITERATION, values);
    }

    /**
     * The configured schedule's rate after {@code epochs} epochs (fractions included) of the run; a warm-up
     * reaches {@code through} / lr-warmup-epochs of it (the step's end, so the first step is not at 0).
     */
    static double baseRate(TrainSettings train, double epochs, double through) {
        OptimiserSettings o = train.optimiser();
        double lr = o.learningRate();
        double done = Math.min(1, epochs / train.epochs());
        double base = switch (o.schedule()) {
            case LINEAR -> lr * (1 - done);
            case COSINE -> lr * 0.5 * (1 + Math.cos(Math.PI * done));
            case STEP -> lr * Math.pow(o.decayFactor(), o.decayEpochs().stream().filter(e -> epochs >= e).count());
        };
        double warmup = o.warmupEpochs();
        return epochs < warmup ? base * Math.min(1, through / warmup) : base;
    }

    static final int SCHEDULE_POINTS = 500;

}
