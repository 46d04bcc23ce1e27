package io.digitloc.config;

import com.typesafe.config.Config;
import io.digitloc.core.EarlyStopping;
import io.digitloc.core.EpochMetric;

import java.io.Serializable;

/**
 * When a run stops before its last epoch and which epoch's model it keeps (keys
 * {@code digitloc.train.early-stopping.*}); the policy itself is {@link EarlyStopping}.
 *
 * @param metric   the per-epoch validation figure judged: accuracy, mean-iou, iou-share, loss, box-mse, or a
 *                 weighted sum of figures improving the same way, e.g. {@code 0.5*accuracy+0.5*iou-share}
 * @param mode     max or min: which way the metric improves; auto = the metric's own way (a max or min
 *                 that contradicts the metric is refused: it would keep the worst epoch)
 * @param patience epochs without improvement before the run stops; 0 = never stops early
 * @param minDelta how much the metric must beat its best to count as an improvement
 */
public record EarlyStoppingSettings(String metric, Mode mode, int patience, double minDelta) implements Serializable {

    /** Which way the metric improves. */
    public enum Mode { AUTO, MAX, MIN }

    static final Setting<String> METRIC = Setting.text("train.early-stopping.metric", v -> v != null && !v.isBlank(),
            "accuracy, mean-iou, iou-share, loss, box-mse or a weighted sum of figures that improve the same way");
    static final Setting<Mode> MODE = Setting.choice("train.early-stopping.mode", Mode.class);
    static final Setting<Integer> PATIENCE = Setting.integer("train.early-stopping.patience", v -> v >= 0 && v <= 10_000,
            "0 (off) or a number of epochs up to 10000");
    static final Setting<Double> MIN_DELTA = Setting.number("train.early-stopping.min-delta",
            v -> v >= 0 && Double.isFinite(v), "a number >= 0");

    public EarlyStoppingSettings {
        EpochMetric parsed;
        try {
            parsed = EpochMetric.parse(metric);
        } catch (IllegalArgumentException e) {
            throw new SettingsException("setting " + METRIC.key() + " = '" + metric + "' is impossible: " + e.getMessage());
        }
        MODE.check(mode);
        MODE.require(mode == Mode.AUTO || (mode == Mode.MAX) == parsed.higherIsBetter(),
                mode.name().toLowerCase(java.util.Locale.ROOT),
                (parsed.higherIsBetter() ? "max or auto: " : "min or auto: ") + parsed + " is better when "
                        + (parsed.higherIsBetter() ? "higher" : "lower"));
        PATIENCE.check(patience);
        MIN_DELTA.check(minDelta);
    }

    /** Whether a run may stop early (patience &gt; 0). */
    public boolean enabled() {
        return patience > 0;
    }

    /** A fresh policy for a run (feed it the history with {@link EarlyStopping#replay} on resume). */
    public EarlyStopping policy() {
        return new EarlyStopping(EpochMetric.parse(metric), patience, minDelta);
    }

    static EarlyStoppingSettings from(Config root) {
        return new EarlyStoppingSettings(METRIC.read(root), MODE.read(root), PATIENCE.read(root), MIN_DELTA.read(root));
    }
}
