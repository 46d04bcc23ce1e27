package io.digitloc.core;

/** Bounding boxes as the reference writes them: (xmin, ymin, xmax, ymax) divided by the canvas side. */
public final class Box {
    private Box() {
    }

    /** The normalised box of a 28x28 digit whose top-left pixel is at (x, y). */
    public static float[] of(int x, int y, int canvasSize) {
        float s = canvasSize;
        return new float[] {x / s, y / s, (x + Digits.SIDE) / s, (y + Digits.SIDE) / s};
    }
}
