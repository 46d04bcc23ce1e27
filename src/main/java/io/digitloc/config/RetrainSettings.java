package io.digitloc.config;

import com.typesafe.config.Config;

import java.io.Serializable;
import java.time.Duration;
import java.util.List;
import java.util.Set;

/**
 * Scheduled retraining and the model registry (keys {@code digitloc.retrain.*}; conf/pipeline.conf
 * describes them).
 *
 * @param registry       {@code retrain.registry} (any Hadoop path): runs/, champion.json, lock
 * @param warmStart      {@code retrain.warm-start}
 * @param promoteMetrics {@code retrain.promote-metrics}
 * @param promoteMargin  {@code retrain.promote-margin}
 * @param retain         {@code retrain.retain}
 * @param onLocked       {@code retrain.on-locked}
 * @param waitTimeout    {@code retrain.wait-timeout}
 * @param lockStaleAfter {@code retrain.lock-stale-after}
 * @param lockHeartbeat  {@code retrain.lock-heartbeat}
 */
public record RetrainSettings(String registry, boolean warmStart, List<String> promoteMetrics, double promoteMargin,
                              int retain, OnLocked onLocked, Duration waitTimeout, Duration lockStaleAfter,
                              Duration lockHeartbeat) implements Serializable {

    /** What a second run does while the registry is locked. */
    public enum OnLocked { FAIL, WAIT }

    private static final Set<String> SIMPLE = Set.of("accuracy", "mean_iou", "box_mse");

    static final Setting<String> REGISTRY = Setting.directory("retrain.registry");
    static final Setting<Boolean> WARM_START = Setting.flag("retrain.warm-start");
    static final Setting<List<String>> PROMOTE_METRICS = Setting.texts("retrain.promote-metrics",
            v -> v != null && !v.isEmpty() && v.stream().allMatch(m -> SIMPLE.contains(m) || m.matches("iou_at_0?\\.\\d+|iou_at_1")),
            "a non-empty list of accuracy, mean_iou, box_mse, iou_at_<threshold>");
    static final Setting<Double> PROMOTE_MARGIN = Setting.number("retrain.promote-margin", v -> v >= 0 && v < 1,
            "a number in [0, 1)");
    static final Setting<Integer> RETAIN = Setting.integer("retrain.retain", v -> v >= 1, "at least 1");
    static final Setting<OnLocked> ON_LOCKED = Setting.choice("retrain.on-locked", OnLocked.class);
    static final Setting<Duration> WAIT_TIMEOUT = Setting.duration("retrain.wait-timeout", v -> true, "a duration");
    static final Setting<Duration> LOCK_STALE_AFTER = Setting.duration("retrain.lock-stale-after", v -> true,
            "at least 3 lock heartbeats");
    static final Setting<Duration> LOCK_HEARTBEAT = Setting.duration("retrain.lock-heartbeat", v -> true,
            "a duration of 100 ms or more");

    public RetrainSettings {
        REGISTRY.check(registry);
        PROMOTE_METRICS.check(promoteMetrics);
        PROMOTE_MARGIN.check(promoteMargin);
        RETAIN.check(retain);
        ON_LOCKED.check(onLocked);
        LOCK_STALE_AFTER.require(lockHeartbeat.compareTo(Duration.ofMillis(100)) >= 0
                && lockStaleAfter.compareTo(lockHeartbeat.multipliedBy(3)) >= 0, lockStaleAfter,
                "at least 3 lock heartbeats (" + lockHeartbeat + ")");
    }

    static RetrainSettings from(Config root) {
        return new RetrainSettings(REGISTRY.read(root), WARM_START.read(root), PROMOTE_METRICS.read(root),
                PROMOTE_MARGIN.read(root), RETAIN.read(root), ON_LOCKED.read(root), WAIT_TIMEOUT.read(root),
                LOCK_STALE_AFTER.read(root), LOCK_HEARTBEAT.read(root));
    }
}
