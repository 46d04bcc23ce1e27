package io.digitloc.eval;

import io.digitloc.core.Metrics;
import io.digitloc.core.MetricsAccumulator;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

import java.util.Iterator;
import java.util.List;

/**
 * {@link Metrics} over a Dataset of predictions ({@link PredictionSchema}): each partition fills a
 * {@link MetricsAccumulator} on its executor, the accumulators are merged, and only their counts (a few
 * hundred numbers each) come back to the driver, never the predictions.
 */
public final class SparkMetrics {
    private SparkMetrics() {
    }

    public static Metrics compute(Dataset<Row> predictions, List<Double> thresholds, int bins) {
        return predictions.javaRDD()
                .mapPartitions((Iterator<Row> rows) -> {
                    MetricsAccumulator acc = new MetricsAccumulator(thresholds, bins);
                    rows.forEachRemaining(r -> acc.add(PredictionSchema.fromRow(r)));
                    return List.of(acc).iterator();
                })
                .fold(new MetricsAccumulator(thresholds, bins), MetricsAccumulator::merge)
                .result();
    }
}
