package io.digitloc.train;

import io.digitloc.core.CanvasBatch;
import org.deeplearning4j.core.loader.MultiDataSetLoader;
import org.nd4j.common.loader.Source;
import org.nd4j.linalg.dataset.api.MultiDataSet;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;

/** Lets dl4j-spark workers read {@link CanvasBatch} files by path (SparkComputationGraph#fitPaths). */
public final class CanvasBatchLoader implements MultiDataSetLoader {
    private static final long serialVersionUID = 1L;

    @Override
    public MultiDataSet load(Source source) throws IOException {
        try (InputStream in = new BufferedInputStream(source.getInputStream(), 1 << 16)) {
            return CanvasBatch.readFrom(in, source.getPath()).toMultiDataSet();
        }
    }
}
