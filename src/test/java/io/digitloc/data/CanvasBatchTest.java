package io.digitloc.data;

import io.digitloc.core.CanvasBatch;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.catalyst.expressions.GenericRowWithSchema;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.api.MultiDataSet;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.Arrays;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

class CanvasBatchTest {
    private static Row row(long id, int label, float[] box, int size, byte[] pixels) {
        return new GenericRowWithSchema(new Object[] {id, label, box[0], box[1], box[2], box[3], size, size, pixels},
                CanvasSchema.SCHEMA);
    }

    private static byte[] pixels(int size, int seed) {
        byte[] p = new byte[size * size];
        for (int i = 0; i < p.length; i++) {
            p[i] = (byte) ((i * 31 + seed * 17) % 256);
        }
        return p;
    }

    @Test
    void rowsBecomeScaledFeaturesOneHotLabelsAndBoxesInOrder() {
        int size = 30;
        byte[] p0 = pixels(size, 0);
        byte[] p1 = pixels(size, 1);
        p1[0] = (byte) 255;
        float[] b0 = {0.1f, 0.2f, 0.3f, 0.4f};
        float[] b1 = {0.5f, 0.6f, 0.7f, 0.8f};
        CanvasBatch batch = CanvasRows.batch(List.of(row(0, 3, b0, size, p0), row(1, 9, b1, size, p1)), size);
        MultiDataSet mds = batch.toMultiDataSet();

        INDArray f = mds.getFeatures(0);
        assertThat(f.shape()).containsExactly(2, 1, size, size);
        assertThat(f.getDouble(1, 0, 0, 0)).isCloseTo(1.0, within(1e-6));
        int y = 7, x = 11;
        assertThat(f.getDouble(0, 0, y, x)).isCloseTo((p0[y * size + x] & 0xFF) / 255.0, within(1e-6));
        assertThat(f.minNumber().doubleValue()).isGreaterThanOrEqualTo(0);
        assertThat(f.maxNumber().doubleValue()).isLessThanOrEqualTo(1);

        INDArray labels = mds.getLabels(0);
        assertThat(labels.shape()).containsExactly(2, 10);
        assertThat(labels.getRow(0).toFloatVector()).containsExactly(0, 0, 0, 1, 0, 0, 0, 0, 0, 0);
        assertThat(labels.getRow(1).toFloatVector()).containsExactly(0, 0, 0, 0, 0, 0, 0, 0, 0, 1);

        INDArray boxes = mds.getLabels(1);
        assertThat(boxes.shape()).containsExactly(2, 4);
        assertThat(boxes.getRow(0).toFloatVector()).containsExactly(b0);
        assertThat(boxes.getRow(1).toFloatVector()).containsExactly(b1);
    }

    @Test
    void batchFilesRoundTripAndRejectGarbage() throws IOException {
        CanvasBatch batch = CanvasRows.batch(List.of(row(4, 1, new float[] {0, 0, .5f, .5f}, 28, pixels(28, 2))), 28);
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        batch.writeTo(bytes);
        CanvasBatch back = CanvasBatch.readFrom(new ByteArrayInputStream(bytes.toByteArray()), "mem");
        assertThat(back.labels()).isEqualTo(batch.labels());
        assertThat(back.boxes()).isEqualTo(batch.boxes());
        assertThat(back.pixels()).isEqualTo(batch.pixels());

        byte[] cut = Arrays.copyOf(bytes.toByteArray(), bytes.size() - 3);
        assertThatThrownBy(() -> CanvasBatch.readFrom(new ByteArrayInputStream(cut), "cut.bin"))
                .isInstanceOf(IOException.class).hasMessageContaining("cut.bin: truncated");
        assertThatThrownBy(() -> CanvasBatch.readFrom(new ByteArrayInputStream(new byte[64]), "zeros.bin"))
                .isInstanceOf(IOException.class).hasMessageContaining("zeros.bin is not a canvas batch file");
    }

    @Test
    void aCanvasOfTheWrongSizeIsRejectedWithItsId() {
        Row wrong = row(77, 2, new float[] {0, 0, 1, 1}, 40, pixels(40, 0));
        assertThatThrownBy(() -> CanvasRows.batch(List.of(wrong), 75))
                .isInstanceOf(DatasetException.class)
                .hasMessageContaining("canvas 77 is 40x40 but the model takes 75x75");
    }
}
