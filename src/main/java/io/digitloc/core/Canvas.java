package io.digitloc.core;

/**
 * One training example: a digit pasted on a black square canvas, and its label.
 *
 * @param id     sample id, unique within its split (the digit's index in the IDX file)
 * @param label  the digit, 0..9
 * @param size   canvas side in pixels
 * @param x      column of the digit's top-left pixel
 * @param y      row of the digit's top-left pixel
 * @param pixels size*size grayscale bytes (0 = black), row-major
 */
public record Canvas(long id, int label, int size, int x, int y, byte[] pixels) {

    /** The box (xmin, ymin, xmax, ymax) normalised to [0,1] by the canvas size, as in the reference. */
    public float[] box() {
        return Box.of(x, y, size);
    }

}
