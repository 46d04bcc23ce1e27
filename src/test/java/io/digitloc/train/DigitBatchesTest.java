package io.digitloc.train;

import io.digitloc.augment.DigitPack;
import io.digitloc.augment.DigitWarp;
import io.digitloc.augment.EpochBatches;
import io.digitloc.core.Canvas;
import io.digitloc.core.CanvasBatch;
import io.digitloc.data.CanvasRows;
import io.digitloc.data.CanvasSchema;
import io.digitloc.data.CanvasSynthesizer;
import io.digitloc.data.Split;
import io.digitloc.io.HadoopConf;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.catalyst.expressions.GenericRowWithSchema;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.common.loader.Source;
import org.nd4j.linalg.dataset.api.MultiDataSet;

import java.io.FileOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The digits approach makes, on the worker, exactly the batches the export job writes. */
class DigitBatchesTest {
    private static final int SIZE = 75;
    private static final EpochBatches CUT = new EpochBatches(42, 64, SIZE, true, new DigitWarp(10, 0.1));

    /** 150 Parquet rows of generated canvases with random digits (ink in every pixel of the digit). */
    private static List<Row> rows() {
        CanvasSynthesizer synth = new CanvasSynthesizer(SIZE, 42);
        Random rng = new Random(11);
        List<Row> rows = new ArrayList<>();
        for (long id = 0; id < 150; id++) {
            byte[] d = new byte[28 * 28];
            for (int i = 0; i < d.length; i++) {
                d[i] = (byte) (1 + rng.nextInt(255));
            }
            Canvas c = synth.synthesize(Split.TRAIN, 1000 + id, (int) (id % 10), d);
            float[] b = c.box();
            rows.add(new GenericRowWithSchema(new Object[] {c.id(), c.label(), b[0], b[1], b[2], b[3], c.size(),
                    c.size(), c.pixels()}, CanvasSchema.SCHEMA));
        }
        return rows;
    }

    @Test
    void theWorkersMakeTheExportedBatchesBitForBit() {
        List<Row> rows = rows();
        DigitPack pack = DigitPack.of(CanvasRows.batch(rows, SIZE), CanvasRows.ids(rows));
        for (int epoch = 1; epoch <= 3; epoch++) {
            List<CanvasBatch> exported = EpochFeed.batches(CUT, rows.iterator(), epoch, 3);
            int[] order = CUT.order(pack.count(), epoch, 3);
            assertThat(exported).hasSize(CUT.batches(150)).hasSize(3);
            for (int b = 0; b < exported.size(); b++) {
                CanvasBatch made = CUT.make(pack, order, epoch, b);
                assertThat(made.labels()).isEqualTo(exported.get(b).labels());
                assertThat(made.boxes()).isEqualTo(exported.get(b).boxes());
                assertThat(made.pixels()).isEqualTo(exported.get(b).pixels());
            }
        }
        assertThat(EpochFeed.batches(CUT, rows.iterator(), 2, 3).get(0).pixels())
                .isNotEqualTo(EpochFeed.batches(CUT, rows.iterator(), 1, 3).get(0).pixels()); // re-placed, reshuffled
    }

    @Test
    void theLoaderMakesANamedBatchFromThePackFile(@TempDir Path dir) throws Exception {
        List<Row> rows = rows();
        DigitPack pack = DigitPack.of(CanvasRows.batch(rows, SIZE), CanvasRows.ids(rows));
        try (OutputStream out = new FileOutputStream(DigitPacks.file(dir.toString(), 0).toString())) {
            pack.writeTo(out);
        }
        DigitBatchLoader loader = new DigitBatchLoader(dir.toString(), HadoopConf.local(), CUT, 0.1);
        List<String> names = DigitBatchLoader.names(CUT, List.of(150), 2);
        assertThat(names).containsExactly("digits:2/0/0", "digits:2/0/1", "digits:2/0/2");

        MultiDataSet m = loader.load(named(names.get(2)));
        MultiDataSet expected = EpochFeed.batches(CUT, rows.iterator(), 2, 0).get(2).toMultiDataSet(0.1);
        assertThat(m.getFeatures(0)).isEqualTo(expected.getFeatures(0));
        assertThat(m.getLabels(0)).isEqualTo(expected.getLabels(0));
        assertThat(m.getLabels(1)).isEqualTo(expected.getLabels(1));
        assertThat(m.getFeatures(0).size(0)).isEqualTo(150 - 128);
        assertThatThrownBy(() -> loader.load(named("/some/file.bin")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not the name of a batch");
    }

    private static Source named(String name) {
        return new Source() {
            @Override
            public InputStream getInputStream() {
                throw new AssertionError("a made batch reads no file of its own");
            }

            @Override
            public String getPath() {
                return name;
            }
        };
    }
}
