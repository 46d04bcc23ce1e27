package io.digitloc.core;

import java.io.Serializable;

/**
 * Running totals of the per-epoch validation figures: combined loss (cross-entropy + box MSE, as
 * trained), accuracy, box MSE and mean IoU. Partition totals {@link #merge} into one.
 */
public final class QuickScore implements Serializable {
    private static final long serialVersionUID = 1L;
    private static final double MIN_PROB = 1e-7;
    /** The reference's IoU threshold: a box "found" when its IoU with the truth is at least this. */
    public static final double IOU_THRESHOLD = 0.6;
    /** The full-quality threshold: a box "tight" when its IoU with the truth is at least this. */
    public static final double TIGHT_IOU = 0.75;

    private long n;
    private long correct;
    private double crossEntropy;
    private double squaredError;
    private double iou;
    private long found;
    private long tight;

    /** Adds one prediction (its digit, box error and IoU are computed once, by {@link Prediction}). */
    public void add(Prediction p) {
        n++;
        if (p.correct()) {
            correct++;
        }
        crossEntropy += -Math.log(Math.max(MIN_PROB, p.probabilities()[p.label()]));
        squaredError += p.boxSquaredError();
        iou += p.iou();
        if (p.iou() >= IOU_THRESHOLD) {
            found++;
        }
        if (p.iou() >= TIGHT_IOU) {
            tight++;
        }
    }

    /** Adds one prediction given as the class probabilities and the predicted box against the truth. */
    public void add(int label, float[] probs, float[] trueBox, float[] predBox) {
        add(Prediction.of(0, label, probs, trueBox, predBox));
    }

    public QuickScore merge(QuickScore other) {
        n += other.n;
        correct += other.correct;
        crossEntropy += other.crossEntropy;
        squaredError += other.squaredError;
        iou += other.iou;
        found += other.found;
        tight += other.tight;
        return this;
    }

    public long count() {
        return n;
    }

    public double accuracy() {
        return n == 0 ? Double.NaN : (double) correct / n;
    }

    /**
     * The training objective, as DL4J scores a batch: mean classification cross-entropy plus
     * {@code boxLossWeight} x mean box MSE (digitloc.train.box-loss-weight), so that the logged
     * validation loss and training loss measure the same thing.
     */
    public double loss(double boxLossWeight) {
        return n == 0 ? Double.NaN : (crossEntropy + boxLossWeight * squaredError) / n;
    }

    public double boxMse() {
        return n == 0 ? Double.NaN : squaredError / n;
    }

    /** Share of boxes with IoU at least {@value #IOU_THRESHOLD}. */
    public double shareFound() {
        return n == 0 ? Double.NaN : (double) found / n;
    }

    /** Share of boxes with IoU at least {@value #TIGHT_IOU}. */
    public double shareTight() {
        return n == 0 ? Double.NaN : (double) tight / n;
    }

    public double meanIou() {
        return n == 0 ? Double.NaN : iou / n;
    }
}
