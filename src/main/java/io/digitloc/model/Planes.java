package io.digitloc.model;

/** An example's channels and the height and width of each of its planes. */
record Planes(int channels, int height, int width) {

    /** From a [batch, channels, height, width] shape. */
    static Planes of(long[] shape) {
        return new Planes((int) shape[1], (int) shape[2], (int) shape[3]);
    }
}
