package io.digitloc.core;

/** What the model tells about a canvas, in numbers: the one home of the class and box counts. */
public final class Digits {
    /** Digit classes, 0..9. */
    public static final int CLASSES = 10;
    /** Side of an MNIST digit in pixels: every box is this square, placed on the canvas. */
    public static final int SIDE = 28;
    /** Box values: xmin, ymin, xmax, ymax. */
    public static final int BOX_VALUES = 4;

    private Digits() {
    }
}
