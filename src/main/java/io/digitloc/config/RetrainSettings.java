package io.digitloc.config;

import com.typesafe.config.Config;

import java.io.Serializable;
import java.time.Duration;
import java.util.List;
import java.util.Set;

/**
 * Scheduled retraining and the model registry.
 *
 * @param registry         registry directory (any Hadoop path): runs/, champion.json, lock
 * @param warmStart        start from the champion's weights instead of fresh ones
 * @param promoteMetrics   figures the new model must not be worse on: accuracy, mean_iou, box_mse
 *                         (lower is better) or iou_at_T for a reported threshold T
 * @param promoteMargin    how much worse a figure may be and still count as "not worse" (0 = ties promote)
 * @param retain           finished runs kept (newest first); the champion is always kept
 * @param onLocked         when another run holds the lock: fail at once or wait
 * @param waitTimeout      how long to wait for the lock
 * @param lockStaleAfter   a lock whose heartbeat is older than this belongs to a dead run and is taken over
 * @param lockHeartbeat    how often the holder refreshes its lock
 */
public record RetrainSettings(String registry, boolean warmStart, List<String> promoteMetrics, double promoteMargin,
                              int retain, OnLocked onLocked, Duration waitTimeout, Duration lockStaleAfter,
                              Duration lockHeartbeat) implements Serializable {

    /** What a second run does while the registry is locked. */
    public enum OnLocked { FAIL, WAIT }

    private static final Set<String> SIMPLE = Set.of("accuracy", "mean_iou", "box_mse");

    public RetrainSettings {
        Settings.require(registry != null && !registry.isBlank(), "digitloc.retrain.registry", registry, "a directory path");
        Settings.require(promoteMetrics != null && !promoteMetrics.isEmpty() && promoteMetrics.stream()
                        .allMatch(m -> SIMPLE.contains(m) || m.matches("iou_at_0?\\.\\d+|iou_at_1")),
                "digitloc.retrain.promote-metrics", promoteMetrics,
                "a non-empty list of accuracy, mean_iou, box_mse, iou_at_<threshold>");
        Settings.require(promoteMargin >= 0 && promoteMargin < 1, "digitloc.retrain.promote-margin", promoteMargin,
                "a number in [0, 1)");
        Settings.require(retain >= 1, "digitloc.retrain.retain", retain, "at least 1");
        Settings.require(onLocked != null, "digitloc.retrain.on-locked", onLocked, "fail or wait");
        Settings.require(lockHeartbeat.compareTo(Duration.ofMillis(100)) >= 0
                        && lockStaleAfter.compareTo(lockHeartbeat.multipliedBy(3)) >= 0,
                "digitloc.retrain.lock-stale-after", lockStaleAfter, "at least 3 lock heartbeats (" + lockHeartbeat + ")");
    }

    static RetrainSettings from(Config root) {
        return new RetrainSettings(
                Settings.get(root, "retrain.registry", Config::getString),
                Settings.get(root, "retrain.warm-start", Config::getBoolean),
                Settings.get(root, "retrain.promote-metrics", Config::getStringList),
                Settings.get(root, "retrain.promote-margin", Config::getDouble),
                Settings.get(root, "retrain.retain", Config::getInt),
                Settings.enumValue(root, "retrain.on-locked", OnLocked.class),
                Settings.get(root, "retrain.wait-timeout", Config::getDuration),
                Settings.get(root, "retrain.lock-stale-after", Config::getDuration),
                Settings.get(root, "retrain.lock-heartbeat", Config::getDuration));
    }
}
