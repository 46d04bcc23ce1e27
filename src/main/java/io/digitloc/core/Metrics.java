package io.digitloc.core;

import java.util.List;
import java.util.Map;

/**
 * The figures of an evaluation, serialised as {@code metrics.json}. Keys are stable: later
 * versions only add keys. IoU thresholds appear as strings ("0.5", "0.6", "0.75").
 *
 * @param count            validation canvases evaluated
 * @param accuracy         share classified correctly
 * @param boxMse           mean over canvases of the mean squared error of the 4 box values
 * @param meanIou          mean IoU of predicted against true boxes
 * @param iouAt            for each threshold: count and share of boxes with IoU at or above it
 * @param perClass         for each true digit "0".."9": support, precision, recall, F1, mean IoU, IoU shares
 * @param confusionMatrix  rows = true digit, columns = predicted digit
 * @param iouHistogram     IoU counts in equal bins over [0,1]
 */
public record Metrics(long count, double accuracy, double boxMse, double meanIou, Map<String, Threshold> iouAt,
                      Map<String, ClassMetrics> perClass, long[][] confusionMatrix, Histogram iouHistogram) {

    /** Boxes at or above one IoU threshold. */
    public record Threshold(long count, double share) {
    }

    /** Figures of one true class (precision uses the predicted class). */
    public record ClassMetrics(long support, long predicted, double precision, double recall, double f1, double meanIou,
                               Map<String, Threshold> iouAt) {
    }

    /** Bin i counts IoU values in [edges[i], edges[i+1]) (the last bin includes 1). */
    public record Histogram(double[] edges, long[] counts) {
    }

    /** "0.6" for 0.6: the key used in {@link #iouAt}. */
    public static String key(double threshold) {
        String s = Double.toString(threshold);
        return s.endsWith(".0") ? s.substring(0, s.length() - 2) : s;
    }

    static double f1(double precision, double recall) {
        return precision + recall == 0 ? 0 : 2 * precision * recall / (precision + recall);
    }

    static double ratio(long a, long b) {
        return b == 0 ? 0 : (double) a / b;
    }

    /** Default thresholds: the reference's 0.6 plus the usual 0.5 and 0.75. */
    public static final List<Double> DEFAULT_THRESHOLDS = List.of(0.5, 0.6, 0.75);
}
