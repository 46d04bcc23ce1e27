package io.digitloc.engine;

import io.digitloc.io.HadoopConf;
import io.digitloc.io.HadoopFiles;
import org.apache.hadoop.fs.Path;
import org.deeplearning4j.core.loader.MultiDataSetLoader;
import org.deeplearning4j.datasets.iterator.IteratorMultiDataSetIterator;
import org.nd4j.common.loader.Source;
import org.nd4j.linalg.dataset.AsyncMultiDataSetIterator;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.api.MultiDataSet;
import org.nd4j.linalg.dataset.api.iterator.MultiDataSetIterator;
import org.nd4j.linalg.indexing.NDArrayIndex;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.Iterator;
import java.util.List;
import java.util.function.Consumer;

/**
 * A worker's batch files as mini-batches of its size: files read one at a time as the fit asks, a file
 * larger than the size cut into pieces here (DL4J's {@link IteratorMultiDataSetIterator} merges smaller
 * ones, but its own split yields empty features), smaller ones merged by it.
 */
final class BatchFiles {
    private BatchFiles() {
    }

    static MultiDataSetIterator batches(List<String> paths, MultiDataSetLoader loader, HadoopConf hadoop, int batchSize) {
        return new IteratorMultiDataSetIterator(new Loading(paths, loader, hadoop, batchSize), batchSize);
    }

    /**
     * Hands each of {@link #batches} to {@code step} in order; with {@code prefetch} above 0 they are read (or
     * made) up to that many ahead on a thread of their own (train.prefetch), so the fit does not wait for them.
     */
    static void fit(List<String> paths, MultiDataSetLoader loader, HadoopConf hadoop, int batchSize, int prefetch,
                    Consumer<MultiDataSet> step) {
        MultiDataSetIterator it = batches(paths, loader, hadoop, batchSize);
        AsyncMultiDataSetIterator ahead = prefetch > 0 && paths.size() > 1
                ? new AsyncMultiDataSetIterator(it, prefetch, false) : null;
        it = ahead != null ? ahead : it;
        try {
            while (it.hasNext()) {
                step.accept(it.next());
            }
        } finally {
            if (ahead != null) {
                ahead.shutdown();
            }
        }
    }

    /** {@code m} cut into pieces of {@code size} examples (the last may be smaller), in order; m itself if it fits. */
    static List<MultiDataSet> split(MultiDataSet m, int size) {
        long n = m.getFeatures(0).size(0);
        if (n <= size) {
            return List.of(m);
        }
        List<MultiDataSet> pieces = new ArrayList<>();
        for (long from = 0; from < n; from += size) {
            long to = Math.min(n, from + size);
            pieces.add(new org.nd4j.linalg.dataset.MultiDataSet(slice(m.getFeatures(), from, to),
                    slice(m.getLabels(), from, to), slice(m.getFeaturesMaskArrays(), from, to),
                    slice(m.getLabelsMaskArrays(), from, to)));
        }
        return pieces;
    }

    private static INDArray[] slice(INDArray[] arrays, long from, long to) {
        if (arrays == null) {
            return null;
        }
        INDArray[] out = new INDArray[arrays.length];
        for (int i = 0; i < arrays.length; i++) {
            out[i] = arrays[i] == null ? null : arrays[i].get(NDArrayIndex.interval(from, to)).dup();
        }
        return out;
    }

    /** The files, read one at a time as the fit asks for them, each cut to the batch size. */
    private static final class Loading implements Iterator<MultiDataSet> {
        private final Iterator<String> paths;
        private final MultiDataSetLoader loader;
        private final HadoopConf hadoop;
        private final int batchSize;
        private final Deque<MultiDataSet> pieces = new ArrayDeque<>();

        Loading(List<String> paths, MultiDataSetLoader loader, HadoopConf hadoop, int batchSize) {
            this.paths = new ArrayList<>(paths).iterator();
            this.loader = loader;
            this.hadoop = hadoop;
            this.batchSize = batchSize;
        }

        @Override
        public boolean hasNext() {
            return !pieces.isEmpty() || paths.hasNext();
        }

        @Override
        public MultiDataSet next() {
            if (pieces.isEmpty()) {
                pieces.addAll(split(load(paths.next()), batchSize));
            }
            return pieces.poll();
        }

        private MultiDataSet load(String path) {
            try {
                return loader.load(new Source() {
                    @Override
                    public InputStream getInputStream() throws IOException {
                        return HadoopFiles.open(new Path(path), hadoop);
                    }

                    @Override
                    public String getPath() {
                        return path;
                    }
                });
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read training batch " + path + ": " + e.getMessage(), e);
            }
        }
    }
}
