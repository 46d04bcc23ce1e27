package io.digitloc.augment;

import io.digitloc.core.CanvasBatch;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;

/**
 * How a partition of canvases becomes an epoch's mini-batches, wherever that happens: its canvases
 * shuffled by (seed, epoch, partition), cut into batches of {@code batchSize} (the last may be short),
 * each digit re-placed after the first epoch when augmenting ({@link FreshPlacement}). The same batches
 * whether the driver's export job writes them to files or a worker makes one from its executor's
 * {@link DigitPack}: nothing here depends on who asks, or on how many workers there are.
 */
public record EpochBatches(long seed, int batchSize, int size, boolean augment, DigitWarp warp) implements Serializable {
    private static final long serialVersionUID = 1L;

    public EpochBatches {
        if (batchSize < 1) {
            throw new IllegalArgumentException("batch size " + batchSize + " must be at least 1");
        }
    }

    /** The positions of a partition's {@code n} canvases in this epoch's order. */
    public int[] order(int n, int epoch, int partition) {
        List<Integer> positions = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            positions.add(i);
        }
        Collections.shuffle(positions, new Random(seed * 1_000_003L + epoch * 7_919L + partition));
        return positions.stream().mapToInt(Integer::intValue).toArray();
    }

    /** The number of batches of a partition of {@code n} canvases. */
    public int batches(int n) {
        return (n + batchSize - 1) / batchSize;
    }

    /** The positions (in {@code order}) that batch {@code b} holds. */
    public int[] batch(int[] order, int b) {
        int from = b * batchSize;
        if (b < 0 || from >= order.length) {
            throw new IllegalArgumentException("batch " + b + " of a partition of " + order.length + " canvases");
        }
        return java.util.Arrays.copyOfRange(order, from, Math.min(order.length, from + batchSize));
    }

    /** Batch {@code b} of {@code pack} (partition {@code partition}) in {@code epoch}, its positions given by {@code order}. */
    public CanvasBatch make(DigitPack pack, int[] order, int epoch, int b) {
        int[] rows = batch(order, b);
        return place(pack.canvases(rows), pack.ids(rows), epoch);
    }

    /** The canvases of a batch as this epoch shows them: re-placed after the first epoch when augmenting. */
    public CanvasBatch place(CanvasBatch batch, long[] ids, int epoch) {
        return augment && epoch > 1 ? new FreshPlacement(size, seed, epoch, warp).apply(batch, ids) : batch;
    }
}
