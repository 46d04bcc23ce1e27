package io.digitloc.eval;

import java.io.Serializable;

/**
 * Running totals of the per-epoch validation figures: combined loss (cross-entropy + box MSE, as
 * trained), accuracy, box MSE and mean IoU. Partition totals {@link #merge} into one.
 */
public final class QuickScore implements Serializable {
    private static final long serialVersionUID = 1L;
    private static final double MIN_PROB = 1e-7;

    private long n;
    private long correct;
    private double crossEntropy;
    private double squaredError;
    private double iou;

    /** Adds one prediction: the class probabilities and the predicted box against the truth. */
    public void add(int label, float[] probs, float[] trueBox, float[] predBox) {
        n++;
        int best = 0;
        for (int c = 1; c < probs.length; c++) {
            if (probs[c] > probs[best]) {
                best = c;
            }
        }
        if (best == label) {
            correct++;
        }
        crossEntropy += -Math.log(Math.max(MIN_PROB, probs[label]));
        double se = 0;
        for (int k = 0; k < 4; k++) {
            double d = predBox[k] - trueBox[k];
            se += d * d;
        }
        squaredError += se / 4;
        iou += Iou.of(trueBox, predBox);
    }

    public QuickScore merge(QuickScore other) {
        n += other.n;
        correct += other.correct;
        crossEntropy += other.crossEntropy;
        squaredError += other.squaredError;
        iou += other.iou;
        return this;
    }

    public long count() {
        return n;
    }

    public double accuracy() {
        return n == 0 ? Double.NaN : (double) correct / n;
    }

    /** Mean classification cross-entropy plus mean box MSE: the training objective. */
    public double loss() {
        return n == 0 ? Double.NaN : (crossEntropy + squaredError) / n;
    }

    public double boxMse() {
        return n == 0 ? Double.NaN : squaredError / n;
    }

    public double meanIou() {
        return n == 0 ? Double.NaN : iou / n;
    }
}
