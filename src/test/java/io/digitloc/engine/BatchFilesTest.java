package io.digitloc.engine;

import io.digitloc.io.HadoopConf;
import io.digitloc.train.CanvasBatchLoader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.dataset.api.MultiDataSet;
import org.nd4j.linalg.indexing.NDArrayIndex;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Batch files cut or merged to a worker's batch: DL4J's own split loses the features (the warm-up of a batch per worker cuts). */
class BatchFilesTest {
    @TempDir
    java.nio.file.Path tmp;

    @Test
    void filesLargerThanTheBatchAreCutInOrderAndSmallerOnesMerged() throws Exception {
        List<String> files = RoundsTest.identicalBatchFiles(2, 28, tmp); // 2 files of 8 canvases
        MultiDataSet whole;
        try (var in = new java.io.FileInputStream(files.get(0).replace("file:", ""))) {
            whole = io.digitloc.core.CanvasBatch.readFrom(in, "b").toMultiDataSet();
        }
        List<MultiDataSet> cut = drain(BatchFiles.batches(files, new CanvasBatchLoader(), HadoopConf.local(), 4));
        assertThat(cut).hasSize(4);
        for (int i = 0; i < 4; i++) {
            long from = (i % 2) * 4L;
            assertThat(cut.get(i).getFeatures(0).shape()).containsExactly(4, 1, 28, 28);
            assertThat(cut.get(i).getFeatures(0)).isEqualTo(whole.getFeatures(0).get(NDArrayIndex.interval(from, from + 4)));
            assertThat(cut.get(i).getLabels(1)).isEqualTo(whole.getLabels(1).get(NDArrayIndex.interval(from, from + 4)));
        }
        List<MultiDataSet> merged = drain(BatchFiles.batches(files, new CanvasBatchLoader(), HadoopConf.local(), 16));
        assertThat(merged).hasSize(1);
        assertThat(merged.get(0).getFeatures(0).size(0)).isEqualTo(16);
        assertThat(drain(BatchFiles.batches(files, new CanvasBatchLoader(), HadoopConf.local(), 8))).hasSize(2);
    }

    @Test
    void prefetchedBatchesArriveInTheSameOrderWithTheSameValues() throws Exception {
        List<String> files = RoundsTest.identicalBatchFiles(3, 28, tmp); // 3 files of 8 canvases
        List<MultiDataSet> plain = drain(BatchFiles.batches(files, new CanvasBatchLoader(), HadoopConf.local(), 4));
        List<MultiDataSet> ahead = new ArrayList<>();
        BatchFiles.fit(files, new CanvasBatchLoader(), HadoopConf.local(), 4, 2, ahead::add);
        assertThat(ahead).hasSize(plain.size()).hasSize(6);
        for (int i = 0; i < plain.size(); i++) {
            assertThat(ahead.get(i).getFeatures(0)).isEqualTo(plain.get(i).getFeatures(0));
            assertThat(ahead.get(i).getLabels(0)).isEqualTo(plain.get(i).getLabels(0));
        }
    }

    private static List<MultiDataSet> drain(org.nd4j.linalg.dataset.api.iterator.MultiDataSetIterator it) {
        List<MultiDataSet> out = new ArrayList<>();
        while (it.hasNext()) {
            out.add(it.next());
        }
        return out;
    }
}
