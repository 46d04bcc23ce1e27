package io.digitloc.core;

/**
 * The model's answer for one validation canvas.
 *
 * @param id            canvas id
 * @param label         true digit
 * @param predicted     predicted digit (arg-max of the probabilities)
 * @param probabilities the 10 softmax outputs
 * @param trueBox       (xmin, ymin, xmax, ymax), normalised
 * @param predBox       the regressed box, normalised (may be inverted)
 * @param iou           IoU of the two boxes
 */
public record Prediction(long id, int label, int predicted, float[] probabilities, float[] trueBox, float[] predBox,
                         double iou) {

    /** Builds a prediction from raw network outputs. */
    public static Prediction of(long id, int label, float[] probabilities, float[] trueBox, float[] predBox) {
        return of(id, label, Located.of(probabilities, predBox), trueBox);
    }

    /** The model's answer for a canvas of known digit and box. */
    public static Prediction of(long id, int label, Located located, float[] trueBox) {
        return new Prediction(id, label, located.digit(), located.probabilities(), trueBox, located.box(),
                Iou.of(trueBox, located.box()));
    }

    public boolean correct() {
        return label == predicted;
    }

    public float score() {
        return probabilities[predicted];
    }

    /** Mean of the squared differences of the 4 box values. */
    public double boxSquaredError() {
        double se = 0;
        for (int k = 0; k < 4; k++) {
            double d = predBox[k] - trueBox[k];
            se += d * d;
        }
        return se / 4;
    }
}
