package io.digitloc.core;

import java.io.Serializable;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The computation of evaluate's {@link Metrics} from predictions: counts per class, per threshold and per
 * histogram bin, added one prediction at a time and merged across partitions (eval.SparkMetrics sends
 * one accumulator per partition to the driver, a few hundred numbers, never the predictions).
 */
public final class MetricsAccumulator implements Serializable {
    private static final long serialVersionUID = 1L;
    private static final int CLASSES = Digits.CLASSES;

    private final double[] thresholds;
    private final int bins;
    private long n;
    private final long[][] confusion = new long[CLASSES][CLASSES];
    private final double[] iouSum = new double[CLASSES];
    private final long[][] above;
    private double squaredError;
    private final long[] histogram;

    public MetricsAccumulator(List<Double> thresholds, int bins) {
        this.thresholds = thresholds.stream().mapToDouble(Double::doubleValue).toArray();
        this.bins = bins;
        this.above = new long[CLASSES][this.thresholds.length];
        this.histogram = new long[bins];
    }

    public MetricsAccumulator add(Prediction p) {
        n++;
        confusion[p.label()][p.predicted()]++;
        iouSum[p.label()] += p.iou();
        for (int t = 0; t < thresholds.length; t++) {
            if (p.iou() >= thresholds[t]) {
                above[p.label()][t]++;
            }
        }
        squaredError += p.boxSquaredError();
        histogram[bin(p.iou(), bins)]++;
        return this;
    }

    /** Adds {@code other}'s counts (same thresholds and bins) to this one. */
    public MetricsAccumulator merge(MetricsAccumulator other) {
        if (!java.util.Arrays.equals(thresholds, other.thresholds) || bins != other.bins) {
            throw new IllegalArgumentException("cannot merge metrics of other thresholds or bins");
        }
        n += other.n;
        squaredError += other.squaredError;
        for (int c = 0; c < CLASSES; c++) {
            iouSum[c] += other.iouSum[c];
            for (int k = 0; k < CLASSES; k++) {
                confusion[c][k] += other.confusion[c][k];
            }
            for (int t = 0; t < thresholds.length; t++) {
                above[c][t] += other.above[c][t];
            }
        }
        for (int b = 0; b < bins; b++) {
            histogram[b] += other.histogram[b];
        }
        return this;
    }

    static int bin(double iou, int bins) {
        return Math.max(0, Math.min(bins - 1, (int) Math.floor(iou * bins)));
    }

    public Metrics result() {
        long correct = 0;
        double iouTotal = 0;
        long[] aboveTotal = new long[thresholds.length];
        Map<String, Metrics.ClassMetrics> perClass = new LinkedHashMap<>();
        for (int c = 0; c < CLASSES; c++) {
            long support = 0;
            long predicted = 0;
            for (int k = 0; k < CLASSES; k++) {
                support += confusion[c][k];
                predicted += confusion[k][c];
            }
            long tp = confusion[c][c];
            correct += tp;
            iouTotal += iouSum[c];
            Map<String, Metrics.Threshold> at = new LinkedHashMap<>();
            for (int t = 0; t < thresholds.length; t++) {
                aboveTotal[t] += above[c][t];
                at.put(Metrics.key(thresholds[t]), new Metrics.Threshold(above[c][t], Metrics.ratio(above[c][t], support)));
            }
            double precision = Metrics.ratio(tp, predicted);
            double recall = Metrics.ratio(tp, support);
            perClass.put(Integer.toString(c), new Metrics.ClassMetrics(support, predicted, precision, recall,
                    Metrics.f1(precision, recall), support == 0 ? 0 : iouSum[c] / support, at));
        }
        Map<String, Metrics.Threshold> at = new LinkedHashMap<>();
        for (int t = 0; t < thresholds.length; t++) {
            at.put(Metrics.key(thresholds[t]), new Metrics.Threshold(aboveTotal[t], Metrics.ratio(aboveTotal[t], n)));
        }
        double[] edges = new double[bins + 1];
        for (int b = 0; b <= bins; b++) {
            edges[b] = (double) b / bins;
        }
        long[][] matrix = new long[CLASSES][];
        for (int c = 0; c < CLASSES; c++) {
            matrix[c] = confusion[c].clone();
        }
        return new Metrics(n, Metrics.ratio(correct, n), n == 0 ? 0 : squaredError / n, n == 0 ? 0 : iouTotal / n, at,
                perClass, matrix, new Metrics.Histogram(edges, histogram.clone()));
    }
}
