package io.digitloc.train;

import io.digitloc.core.CanvasBatch;
import org.deeplearning4j.core.loader.MultiDataSetLoader;
import org.nd4j.common.loader.Source;
import org.nd4j.linalg.dataset.api.MultiDataSet;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;

/**
 * Lets dl4j-spark workers read {@link CanvasBatch} files by path (SparkComputationGraph#fitPaths), with
 * the digit targets smoothed by train.label-smoothing (0 = one-hot).
 */
public final class CanvasBatchLoader implements MultiDataSetLoader {
    private static final long serialVersionUID = 1L;
    private final double labelSmoothing;

    /** One-hot targets. */
    public CanvasBatchLoader() {
        this(0);
    }

    public CanvasBatchLoader(double labelSmoothing) {
        this.labelSmoothing = labelSmoothing;
    }

    @Override
    public MultiDataSet load(Source source) throws IOException {
        try (InputStream in = new BufferedInputStream(source.getInputStream(), 1 << 16)) {
            return CanvasBatch.readFrom(in, source.getPath()).toMultiDataSet(labelSmoothing);
        }
    }
}
