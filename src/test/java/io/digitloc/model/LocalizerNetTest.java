package io.digitloc.model;

import io.digitloc.platform.NativeSetup;
import io.digitloc.config.Settings;
import io.digitloc.config.StepPlan;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class LocalizerNetTest {
    @BeforeAll
    static void natives() {
        NativeSetup.configure();
    }

    @Test
    void hasTheReferenceParameterCountAndNamedParts() {
        ComputationGraph net = LocalizerNet.untrained(75, Settings.defaults().train(), 1);
        assertThat(net.numParams()).isEqualTo(426_638L);
        assertThat(net.getConfiguration().getNetworkOutputs()).containsExactly("classification", "bounding_box");
        assertThat(net.getLayer("conv1").numParams()).isEqualTo(16 * 9 + 16);
        assertThat(net.getLayer("conv3").numParams()).isEqualTo(64 * 32 * 9 + 64);
        assertThat(net.getLayer("dense").numParams()).isEqualTo(7 * 7 * 64 * 128 + 128);
        assertThat(net.getLayer("classification").numParams()).isEqualTo(128 * 10 + 10);
        assertThat(net.getLayer("bounding_box").numParams()).isEqualTo(128 * 4 + 4);
    }

    @Test
    void forwardPassGivesBothHeads() {
        ComputationGraph net = LocalizerNet.untrained(75, Settings.defaults().train(), 1);
        INDArray[] out = net.output(Nd4j.rand(new int[] {3, 1, 75, 75}));
        assertThat(out).hasSize(2);
        assertThat(out[0].shape()).containsExactly(3, 10);
        assertThat(out[1].shape()).containsExactly(3, 4);
        for (int i = 0; i < 3; i++) {
            assertThat(out[0].getRow(i).sumNumber().doubleValue()).isCloseTo(1.0, within(1e-4));
        }
    }

    @Test
    void theBoxLossWeightScalesTheBoundingBoxLoss() {
        var settings = io.digitloc.config.Settings.load(null, java.util.Map.of("digitloc.train.box-loss-weight", 10));
        ComputationGraph net = LocalizerNet.untrained(75, settings.train(), 1);
        var loss = (org.nd4j.linalg.lossfunctions.impl.LossMSE)
                ((org.deeplearning4j.nn.conf.layers.BaseOutputLayer) net.getLayer("bounding_box").conf().getLayer())
                        .getLossFn();
        assertThat(loss.getWeights().toFloatVector()).containsExactly(10f, 10f, 10f, 10f);
        assertThat(net.numParams()).isEqualTo(426_638L);
    }

    @Test
    void theBoxLossCanBeDl4jsMeanAbsoluteErrorWithItsWeight() {
        var settings = Settings.load(null, java.util.Map.of("digitloc.train.box-loss", "mae",
                "digitloc.train.box-loss-weight", 3));
        ComputationGraph net = LocalizerNet.untrained(75, settings.train(), 1);
        var loss = (org.nd4j.linalg.lossfunctions.impl.LossMAE)
                ((org.deeplearning4j.nn.conf.layers.BaseOutputLayer) net.getLayer("bounding_box").conf().getLayer())
                        .getLossFn();
        assertThat(loss.getWeights().toFloatVector()).containsExactly(3f, 3f, 3f, 3f);
        assertThat(net.numParams()).isEqualTo(426_638L);
        // DL4J's MAE: the mean over the 4 values of |error| x weight, so an error of 0.1 everywhere scores 0.3
        INDArray labels = Nd4j.zeros(1, 4);
        INDArray pre = Nd4j.valueArrayOf(new long[] {1, 4}, 0.1f);
        assertThat(loss.computeScore(labels, pre, new org.nd4j.linalg.activations.impl.ActivationIdentity(), null, true))
                .isCloseTo(0.3, within(1e-6));
    }

    @Test
    void weightDecayReachesEveryLayersWeightsTheFastOnesIncludedButNoBias() {
        var train = Settings.load(null, java.util.Map.of("digitloc.train.weight-decay", 0.05)).train();
        ComputationGraph net = LocalizerNet.untrained(75, train, 1);
        int layers = 0;
        for (var layer : net.getLayers()) {
            var conf = layer.conf().getLayer();
            if (layer.numParams() == 0) {
                continue;
            }
            layers++;
            assertThat(conf.getRegularizationByParam("W")).as(conf.getLayerName())
                    .singleElement().isInstanceOfSatisfying(org.nd4j.linalg.learning.regularization.WeightDecay.class,
                            d -> assertThat(d.getCoeff().valueAt(0, 0)).isCloseTo(0.05, within(1e-12)));
            assertThat(conf.getRegularizationByParam("b")).as(conf.getLayerName()).isNullOrEmpty();
        }
        assertThat(layers).isEqualTo(6); // conv1-3, dense, the two heads
        assertThat(net.getLayer("conv1").conf().getLayer()).isInstanceOf(FastConvolution.class);
        // what is mended: DL4J's own builder lists a global weight decay twice in each layer
        var stock = new org.deeplearning4j.nn.conf.NeuralNetConfiguration.Builder().weightDecay(0.05).graphBuilder()
                .addInputs("in").addLayer("d", new org.deeplearning4j.nn.conf.layers.DenseLayer.Builder().nIn(3).nOut(2)
                        .build(), "in").setOutputs("d").build();
        var d = ((org.deeplearning4j.nn.conf.graph.LayerVertex) stock.getVertices().get("d")).getLayerConf().getLayer();
        assertThat(d.getRegularizationByParam("W")).hasSize(2);
        ComputationGraph plain = LocalizerNet.untrained(75, Settings.defaults().train(), 1);
        assertThat(plain.getLayer("dense").conf().getLayer().getRegularizationByParam("W")).isNullOrEmpty();
    }

    @Test
    void classifierDropoutOnlyDropsTheClassificationHeadsInputsWhileTraining() {
        var train = Settings.load(null, java.util.Map.of("digitloc.train.classifier-dropout", 0.4)).train();
        ComputationGraph net = LocalizerNet.untrained(75, train, 1);
        var classifier = net.getLayer(LocalizerNet.CLASSIFICATION).conf().getLayer();
        var box = net.getLayer(LocalizerNet.BOUNDING_BOX).conf().getLayer();
        assertThat(((org.deeplearning4j.nn.conf.dropout.Dropout) classifier.getIDropout()).getP()).isCloseTo(0.6, within(1e-12));
        assertThat(box.getIDropout()).isNull();
        assertThat(LocalizerNet.untrained(75, Settings.defaults().train(), 1)
                .getLayer(LocalizerNet.CLASSIFICATION).conf().getLayer().getIDropout()).isNull();
        // a training-mode forward pass drops inputs of the classifier only; inference is deterministic
        INDArray x = Nd4j.rand(new int[] {4, 1, 75, 75});
        var training = net.feedForward(new INDArray[] {x}, true, false);
        var inference = net.feedForward(new INDArray[] {x}, false, false);
        assertThat(training.get(LocalizerNet.CLASSIFICATION)).isNotEqualTo(inference.get(LocalizerNet.CLASSIFICATION));
        assertThat(training.get(LocalizerNet.BOUNDING_BOX)).isEqualTo(inference.get(LocalizerNet.BOUNDING_BOX));
        assertThat(net.output(x)[0]).isEqualTo(inference.get(LocalizerNet.CLASSIFICATION));
        // and fitting with it runs (DL4J's workspaces and dropout together)
        net.fit(new org.nd4j.linalg.dataset.MultiDataSet(new INDArray[] {x},
                new INDArray[] {Nd4j.eye(10).getRows(0, 1, 2, 3), Nd4j.rand(4, 4)}));
        assertThat(net.getIterationCount()).isEqualTo(1);
    }

    @Test
    void followsTheCanvasSize() {
        ComputationGraph net = LocalizerNet.untrained(100, Settings.defaults().train(), 1);
        // 100 → 98 → 49 → 47 → 23 → 21 → 10: dense sees 10*10*64 inputs
        assertThat(net.getLayer("dense").numParams()).isEqualTo(10 * 10 * 64 * 128 + 128);
        assertThat(net.output(Nd4j.rand(new int[] {2, 1, 100, 100}))[1].shape()).containsExactly(2, 4);
    }

    @Test
    void learningRateSchedulesWarmUpStepAndDecayLinearly() {
        var linear = Settings.load(null, java.util.Map.of("digitloc.train.lr-schedule", "linear",
                "digitloc.train.learning-rate", 0.004, "digitloc.train.epochs", 10,
                "digitloc.train.lr-warmup-epochs", 1)).train();
        var lr = LocalizerNet.learningRate(linear, StepPlan.uniform(100, 10)); // 1,000 iterations in all, the first 100 warming up
        assertThat(lr.valueAt(0, 0)).isCloseTo(0.004 / 100, within(1e-9));
        assertThat(lr.valueAt(49, 0)).isCloseTo(0.004 * 49 / 100 * (1 - 48 / 1000.0), within(1e-9)); // the point at 48
        assertThat(lr.valueAt(500, 5)).isCloseTo(0.002, within(1e-9));
        assertThat(lr.valueAt(998, 9)).isCloseTo(0.004 * 2 / 1000, within(1e-9)); // piecewise: 2 iterations a point
        assertThat(lr.valueAt(1000, 10)).isZero();
        for (int i = 100; i < 999; i++) {
            assertThat(lr.valueAt(i + 1, 0)).isLessThanOrEqualTo(lr.valueAt(i, 0));
        }

        var step = Settings.load(null, java.util.Map.of("digitloc.train.lr-decay-epochs", java.util.List.of(2, 4),
                "digitloc.train.lr-decay-factor", 0.5)).train();
        var stepped = LocalizerNet.learningRate(step, StepPlan.uniform(10, step.epochs()));
        assertThat(stepped.valueAt(19, 1)).isEqualTo(0.001);
        assertThat(stepped.valueAt(20, 2)).isCloseTo(0.0005, within(1e-12));
        assertThat(stepped.valueAt(45, 4)).isCloseTo(0.00025, within(1e-12));
        assertThat(stepped.valueAt(5000, 99)).isCloseTo(0.00025, within(1e-12));
    }

    @Test
    void theCosineScheduleFallsFromTheRateToZeroAlongHalfACosine() {
        var cosine = Settings.load(null, java.util.Map.of("digitloc.train.lr-schedule", "cosine",
                "digitloc.train.learning-rate", 0.002, "digitloc.train.epochs", 10)).train();
        var lr = LocalizerNet.learningRate(cosine, StepPlan.uniform(100, 10)); // 1,000 iterations, a point every 2
        assertThat(lr.valueAt(0, 0)).isCloseTo(0.002, within(1e-12));
        assertThat(lr.valueAt(250, 2)).isCloseTo(0.001 * (1 + Math.cos(Math.PI / 4)), within(1e-12));
        assertThat(lr.valueAt(500, 5)).isCloseTo(0.001, within(1e-12));
        assertThat(lr.valueAt(1000, 10)).isZero();
        for (int i = 0; i < 999; i++) {
            assertThat(lr.valueAt(i + 1, 0)).isLessThanOrEqualTo(lr.valueAt(i, 0));
        }
        // longer near the top than the linear decay, and softer at the end
        var linear = LocalizerNet.learningRate(Settings.load(null, java.util.Map.of("digitloc.train.lr-schedule", "linear",
                "digitloc.train.learning-rate", 0.002, "digitloc.train.epochs", 10)).train(), StepPlan.uniform(100, 10));
        assertThat(lr.valueAt(200, 2)).isGreaterThan(linear.valueAt(200, 2));
        assertThat(lr.valueAt(900, 9)).isLessThan(linear.valueAt(900, 9));
    }

    @Test
    void theDecayFollowsEpochsWhenTheirStepsChangeAndEachEpochsFactorScalesIt() {
        var linear = Settings.load(null, java.util.Map.of("digitloc.train.lr-schedule", "linear",
                "digitloc.train.learning-rate", 0.002, "digitloc.train.epochs", 4)).train();
        // a global batch doubling every epoch: half the steps each time, the rate x sqrt(2) each time
        var plan = new StepPlan(new long[] {400, 200, 100, 50}, new double[] {1, Math.sqrt(2), 2, 2 * Math.sqrt(2)});
        var lr = LocalizerNet.learningRate(linear, plan);
        assertThat(lr.valueAt(0, 0)).isCloseTo(0.002, within(1e-12));
        assertThat(lr.valueAt(200, 0)).isCloseTo(0.002 * (1 - 0.5 / 4), within(1e-12)); // half the first epoch
        assertThat(lr.valueAt(400, 1)).isCloseTo(0.002 * (1 - 1 / 4.0) * Math.sqrt(2), within(1e-12));
        assertThat(lr.valueAt(650, 3)).isCloseTo(0.002 * (1 - 2.5 / 4) * 2, within(1e-12));
        assertThat(lr.valueAt(750, 4)).isZero();
        assertThat(plan.epochsAt(500)).isEqualTo(1.5);
        assertThat(plan.first(3)).isEqualTo(600);
        assertThat(plan.total()).isEqualTo(750);
    }

    @Test
    void theScheduleSurvivesTheJsonThatSparkWorkersAndSavedModelsUse() {
        var train = Settings.load(null, java.util.Map.of("digitloc.train.lr-schedule", "linear",
                "digitloc.train.lr-warmup-epochs", 0.5)).train();
        var conf = LocalizerNet.finalModel(75, train, 1, StepPlan.uniform(100, 10)); // 10 epochs of 100 steps, 50 warming up
        var back = org.deeplearning4j.nn.conf.ComputationGraphConfiguration.fromJson(conf.toJson());
        assertThat(back).isEqualTo(conf);
        var layer = (org.deeplearning4j.nn.conf.layers.BaseLayer)
                ((org.deeplearning4j.nn.conf.graph.LayerVertex) back.getVertices().get("conv1")).getLayerConf().getLayer();
        assertThat(layer.getIUpdater().getLearningRate(24, 0)).isCloseTo(0.001 * 25 / 50 * (1 - 24 / 1000.0), within(1e-9));
        assertThat(layer.getIUpdater().getLearningRate(500, 5)).isCloseTo(0.0005, within(1e-9));
    }
}
