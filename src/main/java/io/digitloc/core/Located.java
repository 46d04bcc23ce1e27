package io.digitloc.core;

/**
 * The model's answer for one canvas: the digit, its probability, all class probabilities and the box.
 *
 * @param digit         arg-max of the probabilities
 * @param probability   the probability of {@code digit}
 * @param probabilities the softmax outputs, one per class
 * @param box           (xmin, ymin, xmax, ymax) as fractions of the canvas side (may be inverted)
 */
public record Located(int digit, float probability, float[] probabilities, float[] box) {

    public static Located of(float[] probabilities, float[] box) {
        int best = 0;
        for (int c = 1; c < probabilities.length; c++) {
            if (probabilities[c] > probabilities[best]) {
                best = c;
            }
        }
        return new Located(best, probabilities[best], probabilities, box);
    }
}
