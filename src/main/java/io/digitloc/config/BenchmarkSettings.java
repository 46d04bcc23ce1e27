package io.digitloc.config;

import com.typesafe.config.Config;

import java.io.Serializable;

/**
 * How the benchmark measures (keys {@code digitloc.benchmark.*}; conf/pipeline.conf describes them).
 *
 * @param samples            {@code benchmark.samples}: training canvases per repetition
 * @param repeats            {@code benchmark.repeats}
 * @param targetAccuracy     {@code benchmark.target-accuracy} (scaling)
 * @param targetIou          {@code benchmark.target-iou} (scaling)
 * @param targetIouAt        {@code benchmark.target-iou-at} (scaling)
 * @param maxSamples         {@code benchmark.max-samples} (scaling)
 * @param checkEvery         {@code benchmark.check-every} (scaling)
 * @param validationCanvases {@code benchmark.validation-canvases} (scaling)
 * @param scalingOut         {@code benchmark.scaling-out}: where the scaling JSON goes
 */
public record BenchmarkSettings(int samples, int repeats, double targetAccuracy, double targetIou, double targetIouAt,
                                long maxSamples,
                                long checkEvery, int validationCanvases, String scalingOut) implements Serializable {

    /** Shared by the checks below: not above 1 (a share), above 0 (reachable). */
    private static final String SHARE = "a share in (0, 1]";

    public static final Setting<Integer> SAMPLES = Setting.integer("benchmark.samples", v -> v >= 1, "1 or more");
    static final Setting<Integer> REPEATS = Setting.integer("benchmark.repeats", v -> v >= 1, "1 or more");
    static final Setting<Double> TARGET_ACCURACY = Setting.number("benchmark.target-accuracy", v -> v > 0 && v <= 1, SHARE);
    static final Setting<Double> TARGET_IOU = Setting.number("benchmark.target-iou", v -> v > 0 && v <= 1, SHARE);
    static final Setting<Double> TARGET_IOU_AT = Setting.number("benchmark.target-iou-at", v -> v > 0 && v < 1,
            "an IoU in (0, 1)");
    static final Setting<Long> MAX_SAMPLES = Setting.count("benchmark.max-samples", v -> v >= 1, "1 or more");
    static final Setting<Long> CHECK_EVERY = Setting.count("benchmark.check-every", v -> v >= 1, "1 or more");
    static final Setting<Integer> VALIDATION_CANVASES = Setting.integer("benchmark.validation-canvases", v -> v >= 1,
            "1 or more");
    static final Setting<String> SCALING_OUT = Setting.text("benchmark.scaling-out", v -> v != null && !v.isBlank(),
            "a file path");

    public BenchmarkSettings {
        SAMPLES.check(samples);
        REPEATS.check(repeats);
        TARGET_ACCURACY.check(targetAccuracy);
        TARGET_IOU.check(targetIou);
        TARGET_IOU_AT.check(targetIouAt);
        MAX_SAMPLES.check(maxSamples);
        CHECK_EVERY.check(checkEvery);
        VALIDATION_CANVASES.check(validationCanvases);
        SCALING_OUT.check(scalingOut);
    }

    static BenchmarkSettings from(Config root) {
        return new BenchmarkSettings(SAMPLES.read(root), REPEATS.read(root), TARGET_ACCURACY.read(root),
                TARGET_IOU.read(root), TARGET_IOU_AT.read(root), MAX_SAMPLES.read(root), CHECK_EVERY.read(root), VALIDATION_CANVASES.read(root),
                SCALING_OUT.read(root));
    }
}
