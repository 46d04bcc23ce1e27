package io.digitloc.bench;

import io.digitloc.config.Settings;
import io.digitloc.config.SettingsException;
import io.digitloc.model.LocalizerNet;
import io.digitloc.platform.NativeSetup;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.factory.Nd4j;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.function.Consumer;

/**
 * {@code benchmark --floor}: the training step's time as {@link DnnlStepFloor}'s fixed sequence of oneDNN
 * primitives, the time of each entry of the sequence, and the step's GFLOP/s against the FMA peak that
 * {@code --kernels} measures. The parameters are LocalizerNet's initial ones (the settings' seed), the batch
 * is random (the kernels' work does not depend on the values).
 */
public final class FloorBenchmark {
    static final int WARMUP_STEPS = 20;
    static final int TIMED_STEPS = 100;
    static final int ENTRY_STEPS = 30;

    private FloorBenchmark() {
    }

    public static void run(Settings settings, Consumer<String> out) {
        List<String> differences = FloorShape.differences(settings);
        if (!differences.isEmpty()) {
            throw new SettingsException("benchmark --floor: the oneDNN harness runs LocalizerNet on "
                    + DnnlStepFloor.CANVAS + "x" + DnnlStepFloor.CANVAS + " canvases without dropout or weight decay, "
                    + "trained by Adam; these settings' model differs: " + String.join("; ", differences));
        }
        if (settings.train().distribution().threadsPerTask() > 0) {
            NativeSetup.limitThreads(settings.train().distribution().threadsPerTask());
        }
        int batch = settings.train().batchSize();
        ComputationGraph net = LocalizerNet.untrained(DnnlStepFloor.CANVAS, settings.train(), settings.seed());
        DnnlStepFloor floor = new DnnlStepFloor(batch, settings.train());
        load(floor, net);
        randomBatch(floor, settings.seed());
        var v = org.bytedeco.dnnl.global.dnnl.dnnl_version();
        out.accept(String.format(Locale.ROOT, "floor: LocalizerNet's training step as one fixed sequence of oneDNN %d.%d.%d "
                + "primitives (org.bytedeco:dnnl), batch %d, %dx%d canvases, %d threads", v.major(), v.minor(), v.patch(),
                batch, DnnlStepFloor.CANVAS, DnnlStepFloor.CANVAS, NativeSetup.threads()));
        Stopwatch step = wholeStep(floor);
        out.accept(String.format(Locale.ROOT, "floor: whole step (forward, backward, Adam; no waits between primitives): "
                + "%.2f ms, median of %d steps after %d warm-up ones (range %.2f-%.2f ms): %.0f img/s",
                step.median() * 1e3, TIMED_STEPS, WARMUP_STEPS, batch * 1e3 / step.best(), batch * 1e3 / step.worst(),
                step.perSecond()));
        entries(floor.millisPerEntry(ENTRY_STEPS), step.median() * 1e3, out);
        out.accept("floor: the losses (softmax cross-entropy; the box head's MSE or MAE) and Adam run in plain Java: "
                + "oneDNN has no loss or optimiser primitive");
        out.accept(distanceToPeak(net, step.perSecond()));
    }

    /** The harness's parameters from the DL4J network's, layer by layer in DL4J's layouts. */
    static void load(DnnlStepFloor floor, ComputationGraph net) {
        for (String name : floor.parameterNames()) {
            floor.setParameter(name, Nd4j.toFlattened('c', net.getParam(name)).toFloatVector());
        }
    }

    private static void randomBatch(DnnlStepFloor floor, long seed) {
        Random random = new Random(seed);
        int n = floor.batch();
        float[] canvases = new float[n * DnnlStepFloor.CANVAS * DnnlStepFloor.CANVAS];
        float[] classes = new float[n * DnnlStepFloor.CLASSES];
        float[] boxes = new float[n * DnnlStepFloor.BOX];
        for (int i = 0; i < canvases.length; i++) {
            canvases[i] = random.nextFloat();
        }
        for (int i = 0; i < n; i++) {
            classes[i * DnnlStepFloor.CLASSES + random.nextInt(DnnlStepFloor.CLASSES)] = 1;
        }
        for (int i = 0; i < boxes.length; i++) {
            boxes[i] = random.nextFloat();
        }
        floor.setBatch(canvases, classes, boxes);
    }

    private static Stopwatch wholeStep(DnnlStepFloor floor) {
        return Stopwatch.time("floor step", floor.batch(), WARMUP_STEPS, TIMED_STEPS, floor::step);
    }

    /** Each entry's milliseconds per step, in the sequence's order, then the sums by kind. */
    private static void entries(List<DnnlStepFloor.Entry> entries, double stepMillis, Consumer<String> out) {
        out.accept(String.format(Locale.ROOT, "floor: ms per step of each entry (a separate pass of %d steps, a stream "
                + "wait after each entry):", ENTRY_STEPS));
        out.accept(String.format(Locale.ROOT, "  %-15s %-40s %-24s %8s", "layer", "kind", "implementation", "ms"));
        Map<String, Double> byKind = new LinkedHashMap<>();
        double total = 0;
        for (DnnlStepFloor.Entry e : entries) {
            out.accept(String.format(Locale.ROOT, "  %-15s %-40s %-24s %8.3f", e.layer(), e.kind(), e.implementation(),
                    e.millis()));
            byKind.merge(e.kind(), e.millis(), Double::sum);
            total += e.millis();
        }
        out.accept("floor: ms per step by kind:");
        byKind.entrySet().stream().sorted(Map.Entry.<String, Double>comparingByValue().reversed()).forEach(k ->
                out.accept(String.format(Locale.ROOT, "  %-40s %8.3f  %4.1f%%", k.getKey(), k.getValue(),
                        100 * k.getValue() / stepMillis)));
        entries.stream().filter(e -> e.implementation().startsWith("ref")).forEach(e -> out.accept("floor: note: "
                + e.layer() + " " + e.kind() + " runs oneDNN's reference code (" + e.implementation() + "), not a fast kernel"));
        out.accept(String.format(Locale.ROOT, "floor: the entries add up to %.2f ms per step (with a wait after each); the "
                + "whole step took %.2f ms", total, stepMillis));
    }

    /** The step's GFLOP/s (StepFlops' count) and that against the FMA peak measured as --kernels measures it. */
    private static String distanceToPeak(ComputationGraph net, double imagesPerSecond) {
        StepFlops.PerImage flops = StepFlops.of(net, Nd4j.rand(1, 1, DnnlStepFloor.CANVAS, DnnlStepFloor.CANVAS));
        double achieved = flops.training() * imagesPerSecond / 1e9;
        String line = String.format(Locale.ROOT, "floor: %.1f MFLOP per image and step (StepFlops: 2 x weights x output "
                + "positions per layer for the forward pass, the weight gradients and the input gradients but the "
                + "first layer's; element-wise passes and Adam not counted): %.1f GFLOP/s", flops.training() / 1e6,
                achieved);
        if (!FmaPeak.available()) {
            return line + " (no FMA peak: the JVM lacks --add-modules=jdk.incubator.vector)";
        }
        int cores = Runtime.getRuntime().availableProcessors();
        double peak = FmaPeak.gflops(cores, 200_000_000L);
        return line + String.format(Locale.ROOT, "; FMA peak on %d cores (%d-float vectors, as benchmark --kernels "
                + "measures it) %.0f GFLOP/s: %.1f%% of peak", cores, FmaPeak.lanes(), peak, 100 * achieved / peak);
    }
}
