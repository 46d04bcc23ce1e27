package io.digitloc.augment;

import io.digitloc.core.CanvasBatch;
import io.digitloc.data.CanvasSynthesizer;
import io.digitloc.data.Split;
import io.digitloc.core.Canvas;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.Arrays;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class DigitPackTest {
    static final int SIZE = 75;

    /** {@code n} generated canvases of random digits with ink in every pixel, as a batch. */
    static CanvasBatch canvases(int n, long seed) {
        CanvasSynthesizer synth = new CanvasSynthesizer(SIZE, seed);
        Random rng = new Random(seed);
        byte[] labels = new byte[n];
        float[] boxes = new float[4 * n];
        byte[] pixels = new byte[n * SIZE * SIZE];
        for (int i = 0; i < n; i++) {
            byte[] d = new byte[28 * 28];
            for (int p = 0; p < d.length; p++) {
                d[p] = (byte) (1 + rng.nextInt(255));
            }
            Canvas c = synth.synthesize(Split.TRAIN, 100 + i, i % 10, d);
            labels[i] = (byte) c.label();
            System.arraycopy(c.box(), 0, boxes, 4 * i, 4);
            System.arraycopy(c.pixels(), 0, pixels, i * SIZE * SIZE, SIZE * SIZE);
        }
        return new CanvasBatch(SIZE, labels, boxes, pixels);
    }

    static long[] ids(int n) {
        long[] ids = new long[n];
        Arrays.setAll(ids, i -> 100 + i);
        return ids;
    }

    @Test
    void givesBackTheVeryCanvasesItWasMadeOfInAnyOrder() {
        CanvasBatch batch = canvases(30, 5);
        DigitPack pack = DigitPack.of(batch, ids(30));
        int[] rows = {7, 0, 29, 7};
        CanvasBatch again = pack.canvases(rows);
        for (int i = 0; i < rows.length; i++) {
            int r = rows[i];
            assertThat(again.labels()[i]).isEqualTo(batch.labels()[r]);
            assertThat(Arrays.copyOfRange(again.boxes(), 4 * i, 4 * i + 4)).containsExactly(
                    Arrays.copyOfRange(batch.boxes(), 4 * r, 4 * r + 4));
            assertThat(Arrays.copyOfRange(again.pixels(), i * SIZE * SIZE, (i + 1) * SIZE * SIZE)).isEqualTo(
                    Arrays.copyOfRange(batch.pixels(), r * SIZE * SIZE, (r + 1) * SIZE * SIZE));
        }
        assertThat(pack.ids(rows)).containsExactly(107, 100, 129, 107);
    }

    @Test
    void survivesItsFileFormat() throws IOException {
        DigitPack pack = DigitPack.of(canvases(12, 9), ids(12));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        pack.writeTo(out);
        DigitPack read = DigitPack.readFrom(new ByteArrayInputStream(out.toByteArray()), "mem");
        assertThat(read.size()).isEqualTo(SIZE);
        assertThat(read.ids()).isEqualTo(pack.ids());
        assertThat(read.labels()).isEqualTo(pack.labels());
        assertThat(read.boxes()).isEqualTo(pack.boxes());
        assertThat(read.corners()).isEqualTo(pack.corners());
        assertThat(read.digits()).isEqualTo(pack.digits());
        byte[] cut = Arrays.copyOf(out.toByteArray(), out.size() - 1);
        assertThatThrownBy(() -> DigitPack.readFrom(new ByteArrayInputStream(cut), "cut.bin"))
                .isInstanceOf(IOException.class).hasMessageContaining("cut.bin: truncated");
    }

    @Test
    void refusesACanvasWithInkOutsideItsDigit() {
        CanvasBatch batch = canvases(3, 1);
        int x = Math.round(batch.boxes()[4] * SIZE);
        int y = Math.round(batch.boxes()[5] * SIZE);
        int outside = y + 28 < SIZE ? (y + 28) * SIZE + x : (y - 1) * SIZE + x; // the row just below or above
        batch.pixels()[SIZE * SIZE + outside] = 1;
        assertThatThrownBy(() -> DigitPack.of(batch, ids(3)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("canvas 101 is not one 28x28 digit");
    }
}
