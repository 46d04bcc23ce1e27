package io.digitloc.data;

import io.digitloc.core.Canvas;

import java.io.Serializable;
import java.util.SplittableRandom;

/**
 * Pastes a 28x28 digit on a black canvas at a pseudo-random place. The place depends only on
 * (seed, split, sample id), never on which partition, executor or order produced it, so the
 * dataset is identical however the job is split up.
 */
public final class CanvasSynthesizer implements Serializable {
    private static final long serialVersionUID = 1L;
    /** Side of an MNIST digit. */
    public static final int DIGIT = io.digitloc.config.DataSettings.DIGIT_SIZE;

    private final int size;
    private final long seed;

    public CanvasSynthesizer(int canvasSize, long seed) {
        if (canvasSize < DIGIT) {
            throw new IllegalArgumentException("canvas size " + canvasSize + " is smaller than the digit (" + DIGIT + ")");
        }
        this.size = canvasSize;
        this.seed = seed;
    }

    public int canvasSize() {
        return size;
    }

    /** Top-left corner (x, y), each uniform in 0..(size-28) inclusive, from (seed, split, id) alone. */
    public int[] placement(Split split, long id) {
        SplittableRandom rng = new SplittableRandom(mix(seed, split.salt(), id));
        int range = size - DIGIT + 1;
        int x = rng.nextInt(range);
        int y = rng.nextInt(range);
        return new int[] {x, y};
    }

    /** The canvas of sample {@code id} of {@code split}, holding {@code digit} (784 bytes, row-major). */
    public Canvas synthesize(Split split, long id, int label, byte[] digit) {
        if (digit.length != DIGIT * DIGIT) {
            throw new IllegalArgumentException("digit has " + digit.length + " pixels, expected " + DIGIT * DIGIT);
        }
        int[] at = placement(split, id);
        byte[] pixels = new byte[size * size];
        for (int row = 0; row < DIGIT; row++) {
            System.arraycopy(digit, row * DIGIT, pixels, (at[1] + row) * size + at[0], DIGIT);
        }
        return new Canvas(id, label, size, at[0], at[1], pixels);
    }

    /** Stafford's mix13 over the three inputs: nearby ids give unrelated streams. */
    static long mix(long seed, long salt, long id) {
        long z = seed * 0x9E3779B97F4A7C15L + salt;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L + id;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
