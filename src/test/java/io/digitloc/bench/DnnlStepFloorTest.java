package io.digitloc.bench;

import io.digitloc.config.Settings;
import io.digitloc.model.LocalizerNet;
import io.digitloc.platform.NativeSetup;
import io.digitloc.testing.Cli;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.MultiDataSet;
import org.nd4j.linalg.factory.Nd4j;

import java.io.File;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The floor harness computes what DL4J computes: for the same parameters and batch, LocalizerNet as the
 * product builds it (fast layers, the settings' box loss) and {@link DnnlStepFloor} give the same outputs,
 * loss, gradient of every parameter and Adam step (from the same gradient) within 1e-4; the parameters
 * after the harness's whole step within 3e-3 of DL4J's fit (Adam magnifies float noise in gradients near
 * its epsilon). Differences are measured per tensor as max |harness - DL4J| / max |DL4J|.
 */
class DnnlStepFloorTest {
    private static final int BATCH = 8;
    private static final double TOLERANCE = 1e-4;
    /** Parameters after the harness's own gradients and Adam against DL4J's whole fit (see the test). */
    private static final double WHOLE_STEP_TOLERANCE = 3e-3;

    @BeforeAll
    static void natives() {
        NativeSetup.configure();
    }

    /**
     * The defaults (MSE box loss of weight 1, one-hot targets, rate 0.001) and conf/best.conf (MAE of weight 2,
     * targets smoothed by 0.1, rate 0.002).
     */
    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void outputsLossGradientsAndAdamStepEqualDl4js(boolean bestConf) {
        Settings settings = bestConf ? Settings.load(new File("conf/best.conf"), Map.of()) : Settings.defaults();
        ComputationGraph net = LocalizerNet.untrained(DnnlStepFloor.CANVAS, settings.train(), 42);
        DnnlStepFloor floor = new DnnlStepFloor(BATCH, settings.train());
        Random random = new Random(7);
        for (String name : floor.parameterNames()) { // non-zero biases, so that their forward adds count too
            if (name.endsWith("_b")) {
                INDArray b = net.getParam(name);
                b.assign(Nd4j.create(floats(random, (int) b.length(), -0.05f, 0.1f)).reshape(b.shape()));
            }
        }
        FloorBenchmark.load(floor, net);
        float[] canvases = floats(random, BATCH * 75 * 75, 0, 1);
        float[] classes = targets(random, (float) settings.train().network().labelSmoothing());
        float[] boxes = floats(random, BATCH * 4, 0, 1);
        floor.setBatch(canvases, classes, boxes);
        INDArray features = Nd4j.create(canvases, new long[] {BATCH, 1, 75, 75}, 'c');
        INDArray[] labels = {Nd4j.create(classes, new long[] {BATCH, 10}, 'c'), Nd4j.create(boxes, new long[] {BATCH, 4}, 'c')};

        double loss = floor.forward();
        floor.backward();
        INDArray[] out = net.output(features);
        net.setInputs(features);
        net.setLabels(labels);
        net.computeGradientAndScore();
        Map<String, Double> errors = new LinkedHashMap<>();
        errors.put("class probabilities", relative(floor.classProbabilities(), flat(out[0])));
        errors.put("box outputs", relative(floor.boxOutputs(), flat(out[1])));
        errors.put("loss", Math.abs(loss - net.score()) / Math.abs(net.score()));
        // DL4J's gradient is of the batch's summed loss; its updater divides it by the batch
        Map<String, float[]> dl4jGradients = new LinkedHashMap<>();
        net.gradient().gradientForVariable().forEach((name, g) -> dl4jGradients.put(name, divide(flat(g), BATCH)));
        dl4jGradients.forEach((name, g) -> errors.put("gradient " + name, relative(floor.gradient(name), g)));

        Map<String, float[]> before = new LinkedHashMap<>();
        floor.parameterNames().forEach(name -> before.put(name, flat(net.getParam(name))));
        DnnlStepFloor fromDl4jGradients = new DnnlStepFloor(BATCH, settings.train());
        FloorBenchmark.load(fromDl4jGradients, net);
        dl4jGradients.forEach(fromDl4jGradients::setGradient);
        fromDl4jGradients.update();
        floor.update();
        net.fit(new MultiDataSet(new INDArray[] {features}, labels));
        Map<String, Double> endToEnd = new LinkedHashMap<>();
        for (String name : floor.parameterNames()) {
            float[] dl4jStep = minus(flat(net.getParam(name)), before.get(name));
            errors.put("Adam step " + name, relative(minus(fromDl4jGradients.parameter(name), before.get(name)), dl4jStep));
            endToEnd.put("whole step " + name, relative(minus(floor.parameter(name), before.get(name)), dl4jStep));
        }
        String setting = bestConf ? "conf/best.conf" : "defaults";
        errors.forEach((what, e) -> System.out.printf(Locale.ROOT, "floor vs DL4J (%s): %-36s %.2e%n", setting, what, e));
        endToEnd.forEach((what, e) -> System.out.printf(Locale.ROOT, "floor vs DL4J (%s): %-36s %.2e%n", setting, what, e));
        assertThat(errors).hasSize(3 + 2 * 12);
        assertThat(errors).allSatisfy((what, e) -> assertThat(e).as(what).isLessThanOrEqualTo(TOLERANCE));
        // Adam's first step is lr g / (|g| + 3.2e-7): for gradients near 3e-7 it magnifies the gradients'
        // float differences (about 1e-7 of the largest gradient) a thousandfold and more
        assertThat(endToEnd).allSatisfy((what, e) -> assertThat(e).as(what).isLessThanOrEqualTo(WHOLE_STEP_TOLERANCE));
    }

    @Test
    void theDefaultAndTheBestRecipesModelsAreTheHarnesssOwn() {
        assertThat(FloorShape.differences(Settings.defaults())).isEmpty();
        assertThat(FloorShape.differences(Settings.load(new File("conf/best.conf"), Map.of()))).isEmpty();
    }

    @Test
    void anotherCanvasSizeOrDropoutIsNamedAndRefused() {
        assertThat(FloorShape.differences(Settings.load(null, Map.of("digitloc.data.canvas-size", 64))))
                .singleElement().asString().contains("canvas size 64");
        assertThat(FloorShape.differences(Settings.load(null, Map.of("digitloc.train.classifier-dropout", 0.2))))
                .singleElement().asString().contains("dropout");

        Cli.Run run = Cli.run("benchmark", "--floor", "--set", "data.canvas-size=64");

        assertThat(run.code()).isEqualTo(2);
        assertThat(run.err()).contains("benchmark --floor", "canvas size 64").doesNotContain("Exception");
    }

    @Test
    void theFloorIsOneMeasurementAtATime() {
        Cli.Run run = Cli.run("benchmark", "--floor", "--kernels");

        assertThat(run.code()).isEqualTo(2);
        assertThat(run.err()).contains("--floor, --kernels and --scaling are separate measurements");
        assertThat(Cli.run("benchmark", "--flor").code()).isEqualTo(2);
    }

    private static float[] floats(Random random, int n, float from, float width) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) {
            a[i] = from + width * random.nextFloat();
        }
        return a;
    }

    /** One-hot class targets, or smoothed as train.label-smoothing does (1 - s + s/10 and s/10). */
    private static float[] targets(Random random, float smoothing) {
        float[] t = new float[BATCH * 10];
        for (int i = 0; i < BATCH; i++) {
            int digit = random.nextInt(10);
            for (int k = 0; k < 10; k++) {
                t[i * 10 + k] = (k == digit ? 1 - smoothing : 0) + smoothing / 10;
            }
        }
        return t;
    }

    private static float[] flat(INDArray a) {
        return Nd4j.toFlattened('c', a).toFloatVector();
    }

    private static float[] minus(float[] a, float[] b) {
        float[] d = new float[a.length];
        for (int i = 0; i < a.length; i++) {
            d[i] = a[i] - b[i];
        }
        return d;
    }

    private static float[] divide(float[] a, float divisor) {
        float[] d = new float[a.length];
        for (int i = 0; i < a.length; i++) {
            d[i] = a[i] / divisor;
        }
        return d;
    }

    /** max |harness - expected| / max |expected|. */
    private static double relative(float[] harness, float[] expected) {
        assertThat(harness).hasSameSizeAs(expected);
        double diff = 0;
        double scale = 0;
        for (int i = 0; i < expected.length; i++) {
            diff = Math.max(diff, Math.abs(harness[i] - expected[i]));
            scale = Math.max(scale, Math.abs(expected[i]));
        }
        return diff / scale;
    }
}
