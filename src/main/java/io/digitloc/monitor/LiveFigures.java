package io.digitloc.monitor;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The training run's figures as they stand, in this driver JVM: what a metrics system reads while the
 * run goes on (the Spark plugin {@code spark.TrainingMetricsPlugin} publishes each as a gauge). Figures
 * not yet known read NaN. Spark-free: the train job writes, the plugin reads.
 */
public final class LiveFigures {
    /** One published figure: its gauge name and what it means. */
    public enum Figure {
        EPOCH("epoch", "the epoch training now (1-based; the last one once the run ends)"),
        SAMPLES("samples", "training samples fitted since the run began, resumed epochs included"),
        TRAIN_LOSS("train_loss", "the training loss of the latest round reported"),
        IMAGES_PER_SECOND("images_per_second", "training throughput of the current epoch's fit so far"),
        VAL_LOSS("val_loss", "the last epoch's validation loss"),
        VAL_ACCURACY("val_accuracy", "the last epoch's validation accuracy (0-1)"),
        VAL_MEAN_IOU("val_mean_iou", "the last epoch's validation mean IoU"),
        VAL_IOU_SHARE("val_iou_share", "the last epoch's share of validation boxes at the IoU threshold"),
        VAL_BOX_MSE("val_box_mse", "the last epoch's validation box MSE"),
        ROUND_SECONDS("round_seconds", "the last epoch's mean wall time of an averaging round"),
        ROUND_FIT_SECONDS("round_fit_seconds", "the last epoch's mean fit of the slowest worker in a round"),
        ROUND_OVERHEAD_SECONDS("round_overhead_seconds", "the last epoch's mean round time beyond the slowest fit"),
        ROUNDS("rounds", "averaging rounds of the last epoch");

        private final String gauge;
        private final String description;

        Figure(String gauge, String description) {
            this.gauge = gauge;
            this.description = description;
        }

        public String gauge() {
            return gauge;
        }

        public String description() {
            return description;
        }
    }

    private static final LiveFigures DRIVER = new LiveFigures();

    private final Map<Figure, Double> values = new ConcurrentHashMap<>();

    /** The figures of this JVM's run (one training at a time per driver). */
    public static LiveFigures driver() {
        return DRIVER;
    }

    public void set(Figure figure, double value) {
        values.put(figure, value);
    }

    /** Several at once, e.g. an epoch's validation figures. */
    public void set(Map<Figure, Double> figures) {
        values.putAll(figures);
    }

    /** The latest value, or NaN before the first. */
    public double get(Figure figure) {
        return values.getOrDefault(figure, Double.NaN);
    }

    public static List<Figure> all() {
        return Arrays.asList(Figure.values());
    }
}
