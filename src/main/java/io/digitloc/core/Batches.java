package io.digitloc.core;

import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.function.Function;

/**
 * Cuts a stream of items (a Spark partition's rows) into batches for the {@link Predictor}, lazily: at
 * most one batch of items is held at a time, so a partition of any size passes through in the memory of
 * one batch. The one batching loop of evaluate, per-epoch validation and score.
 */
public final class Batches {
    private Batches() {
    }

    /** Consecutive batches of {@code size} items (the last may be smaller), each pulled when asked for. */
    public static <T> Iterator<List<T>> of(Iterator<T> items, int size) {
        if (size < 1) {
            throw new IllegalArgumentException("a batch holds at least one item, not " + size);
        }
        return new Iterator<>() {
            @Override
            public boolean hasNext() {
                return items.hasNext();
            }

            @Override
            public List<T> next() {
                if (!items.hasNext()) {
                    throw new NoSuchElementException();
                }
                List<T> batch = new ArrayList<>(Math.min(size, 4096));
                while (batch.size() < size && items.hasNext()) {
                    batch.add(items.next());
                }
                return batch;
            }
        };
    }

    /**
     * {@code perBatch} applied to each batch, its results handed out one by one; the next batch is
     * pulled only when they run out.
     */
    public static <T, R> Iterator<R> flatMap(Iterator<T> items, int size, Function<List<T>, List<R>> perBatch) {
        Iterator<List<T>> batches = of(items, size);
        return new Iterator<>() {
            private Iterator<R> current = Collections.emptyIterator();

            @Override
            public boolean hasNext() {
                while (!current.hasNext() && batches.hasNext()) {
                    current = perBatch.apply(batches.next()).iterator();
                }
                return current.hasNext();
            }

            @Override
            public R next() {
                if (!hasNext()) {
                    throw new NoSuchElementException();
                }
                return current.next();
            }
        };
    }
}
