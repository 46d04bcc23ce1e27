package io.digitloc.augment;

import io.digitloc.core.Box;
import io.digitloc.core.CanvasBatch;
import io.digitloc.data.CanvasSynthesizer;
import io.digitloc.data.Split;

import java.util.SplittableRandom;

/**
 * Augmentation that keeps the labels right: each canvas's 28x28 digit is cut from where its box says
 * and pasted at a fresh place drawn from (seed, epoch, id), and the box moves with it. Like the
 * reference's tf.data pipeline, which draws new placements every epoch. Optionally the digit is also
 * rotated and scaled inside its patch ({@link DigitWarp}), drawn from (seed, epoch, id) too.
 */
public final class FreshPlacement {
    private final int size;
    private final CanvasSynthesizer placements;
    private final DigitWarp warp;
    private final long warpSeed;

    public FreshPlacement(int size, long seed, int epoch, DigitWarp warp) {
        this.size = size;
        this.placements = new CanvasSynthesizer(size, seed * 31 + 0x5DEECE66DL * epoch);
        this.warp = warp;
        this.warpSeed = (seed * 0x9E3779B97F4A7C15L + epoch) * 0xBF58476D1CE4E5B9L;
    }

    /** {@code batch} with each digit moved; {@code ids} are the canvases' ids, in batch order. */
    public CanvasBatch apply(CanvasBatch batch, long[] ids) {
        int d = CanvasSynthesizer.DIGIT;
        int n = batch.count();
        byte[] pixels = new byte[batch.pixels().length];
        float[] boxes = new float[4 * n];
        for (int i = 0; i < n; i++) {
            int x = Math.round(batch.boxes()[4 * i] * size);
            int y = Math.round(batch.boxes()[4 * i + 1] * size);
            long id = ids[i];
            int[] to = placements.placement(Split.TRAIN, id);
            int base = i * size * size;
            byte[] digit = new byte[d * d];
            for (int row = 0; row < d; row++) {
                System.arraycopy(batch.pixels(), base + (y + row) * size + x, digit, row * d, d);
            }
            if (!warp.isIdentity()) {
                digit = warp.apply(digit, new SplittableRandom(warpSeed + id));
            }
            for (int row = 0; row < d; row++) {
                System.arraycopy(digit, row * d, pixels, base + (to[1] + row) * size + to[0], d);
            }
            System.arraycopy(Box.of(to[0], to[1], size), 0, boxes, 4 * i, 4);
        }
        return new CanvasBatch(size, batch.labels(), boxes, pixels);
    }
}
