package io.digitloc.eval;

import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.apache.spark.sql.functions.avg;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.floor;
import static org.apache.spark.sql.functions.least;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;

/**
 * {@link Metrics} aggregated by Spark SQL over the predictions: only a few hundred numbers come
 * back to the driver (per-class rows, the 10x10 confusion counts, the histogram bins), never the
 * predictions themselves.
 */
public final class SparkMetrics {
    private SparkMetrics() {
    }

    public static Metrics compute(Dataset<Row> predictions, List<Double> thresholds, int bins) {
        // per true class: support, IoU sum, boxes above each threshold, squared-error sum
        List<Column> aggs = new ArrayList<>();
        aggs.add(sum(col("iou")).as("iou_sum"));
        aggs.add(sum(col("box_se")).as("se_sum"));
        for (int t = 0; t < thresholds.size(); t++) {
            aggs.add(sum(when(col("iou").geq(thresholds.get(t)), 1).otherwise(0)).as("above_" + t));
        }
        List<Row> byClass = predictions.groupBy("label")
                .agg(count(lit(1)).as("support"), aggs.toArray(new Column[0])).collectAsList();
        List<Row> pairs = predictions.groupBy("label", "predicted").agg(count(lit(1)).as("n")).collectAsList();
        List<Row> histogram = predictions
                .select(least(floor(col("iou").multiply(bins)), lit(bins - 1)).cast("int").as("bin"))
                .groupBy("bin").agg(count(lit(1)).as("n")).collectAsList();

        int classes = MetricsAccumulator.CLASSES;
        long[][] confusion = new long[classes][classes];
        for (Row r : pairs) {
            confusion[r.getInt(0)][r.getInt(1)] = r.getLong(2);
        }
        long n = 0;
        long correct = 0;
        double iouTotal = 0;
        double seTotal = 0;
        long[] aboveTotal = new long[thresholds.size()];
        Map<String, Metrics.ClassMetrics> perClass = new LinkedHashMap<>();
        Row[] classRows = new Row[classes];
        for (Row r : byClass) {
            classRows[r.getInt(r.fieldIndex("label"))] = r;
        }
        for (int c = 0; c < classes; c++) {
            Row r = classRows[c];
            long support = r == null ? 0 : r.getLong(r.fieldIndex("support"));
            double iouSum = r == null ? 0 : r.getDouble(r.fieldIndex("iou_sum"));
            long predicted = 0;
            for (int k = 0; k < classes; k++) {
                predicted += confusion[k][c];
            }
            long tp = confusion[c][c];
            n += support;
            correct += tp;
            iouTotal += iouSum;
            seTotal += r == null ? 0 : r.getDouble(r.fieldIndex("se_sum"));
            Map<String, Metrics.Threshold> at = new LinkedHashMap<>();
            for (int t = 0; t < thresholds.size(); t++) {
                long above = r == null ? 0 : r.getLong(r.fieldIndex("above_" + t));
                aboveTotal[t] += above;
                at.put(Metrics.key(thresholds.get(t)), new Metrics.Threshold(above, Metrics.ratio(above, support)));
            }
            double precision = Metrics.ratio(tp, predicted);
            double recall = Metrics.ratio(tp, support);
            perClass.put(Integer.toString(c), new Metrics.ClassMetrics(support, predicted, precision, recall,
                    Metrics.f1(precision, recall), support == 0 ? 0 : iouSum / support, at));
        }
        Map<String, Metrics.Threshold> at = new LinkedHashMap<>();
        for (int t = 0; t < thresholds.size(); t++) {
            at.put(Metrics.key(thresholds.get(t)), new Metrics.Threshold(aboveTotal[t], Metrics.ratio(aboveTotal[t], n)));
        }
        double[] edges = new double[bins + 1];
        for (int b = 0; b <= bins; b++) {
            edges[b] = (double) b / bins;
        }
        long[] counts = new long[bins];
        for (Row r : histogram) {
            counts[Math.max(0, r.getInt(0))] += r.getLong(1);
        }
        return new Metrics(n, Metrics.ratio(correct, n), n == 0 ? 0 : seTotal / n, n == 0 ? 0 : iouTotal / n, at,
                perClass, confusion, new Metrics.Histogram(edges, counts));
    }
}
