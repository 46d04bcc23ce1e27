package io.digitloc.augment;

import io.digitloc.core.Canvas;
import io.digitloc.core.CanvasBatch;
import io.digitloc.data.CanvasRows;
import io.digitloc.data.CanvasSchema;
import io.digitloc.data.CanvasSynthesizer;
import io.digitloc.data.Split;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

class FreshPlacementTest {
    /** The Parquet row of a canvas, as the train job reads it. */
    private static Row row(Canvas c) {
        float[] b = c.box();
        return new org.apache.spark.sql.catalyst.expressions.GenericRowWithSchema(new Object[] {c.id(), c.label(),
                b[0], b[1], b[2], b[3], c.size(), c.size(), c.pixels()}, CanvasSchema.SCHEMA);
    }

    @Test
    void movesEachDigitWithItsBoxAndKeepsLabels() {
        int size = 75;
        CanvasSynthesizer synth = new CanvasSynthesizer(size, 42);
        List<Row> rows = new ArrayList<>();
        List<byte[]> digits = new ArrayList<>();
        Random rng = new Random(3);
        for (long id = 0; id < 20; id++) {
            byte[] d = new byte[28 * 28];
            for (int i = 0; i < d.length; i++) {
                d[i] = (byte) (1 + rng.nextInt(255));
            }
            digits.add(d);
            rows.add(row(synth.synthesize(Split.TRAIN, id, (int) (id % 10), d)));
        }
        CanvasBatch before = CanvasRows.batch(rows, size);
        CanvasBatch after = new FreshPlacement(size, 42, 2, DigitWarp.NONE).apply(before, CanvasRows.ids(rows));

        assertThat(after.labels()).isEqualTo(before.labels());
        int moved = 0;
        for (int i = 0; i < 20; i++) {
            int x = Math.round(after.boxes()[4 * i] * size);
            int y = Math.round(after.boxes()[4 * i + 1] * size);
            assertThat(after.boxes()[4 * i + 2] - after.boxes()[4 * i]).isCloseTo(28f / size, org.assertj.core.data.Offset.offset(1e-6f));
            if (x != Math.round(before.boxes()[4 * i] * size) || y != Math.round(before.boxes()[4 * i + 1] * size)) {
                moved++;
            }
            int nonZero = 0;
            for (int py = 0; py < size; py++) {
                for (int px = 0; px < size; px++) {
                    byte p = after.pixels()[i * size * size + py * size + px];
                    boolean inside = px >= x && px < x + 28 && py >= y && py < y + 28;
                    if (inside) {
                        assertThat(p).isEqualTo(digits.get(i)[(py - y) * 28 + (px - x)]);
                    } else if (p != 0) {
                        nonZero++;
                    }
                }
            }
            assertThat(nonZero).as("pixels outside the new box").isZero();
        }
        assertThat(moved).isGreaterThan(15);
    }

    @Test
    void warpedDigitsStayInsideTheBoxesOfThePlainMove() {
        int size = 75;
        CanvasSynthesizer synth = new CanvasSynthesizer(size, 42);
        List<Row> rows = new ArrayList<>();
        for (long id = 0; id < 20; id++) {
            byte[] d = new byte[28 * 28];
            for (int y = 4; y < 24; y++) {
                for (int x = 4; x < 24; x++) {
                    d[y * 28 + x] = (byte) 255;
                }
            }
            rows.add(row(synth.synthesize(Split.TRAIN, id, (int) (id % 10), d)));
        }
        CanvasBatch before = CanvasRows.batch(rows, size);
        CanvasBatch plain = new FreshPlacement(size, 42, 3, DigitWarp.NONE).apply(before, CanvasRows.ids(rows));
        CanvasBatch warped = new FreshPlacement(size, 42, 3, new DigitWarp(15, 0.15)).apply(before, CanvasRows.ids(rows));
        CanvasBatch again = new FreshPlacement(size, 42, 3, new DigitWarp(15, 0.15)).apply(before, CanvasRows.ids(rows));

        assertThat(warped.labels()).isEqualTo(plain.labels());
        assertThat(warped.boxes()).isEqualTo(plain.boxes());
        assertThat(again.pixels()).as("drawn from (seed, epoch, id)").isEqualTo(warped.pixels());
        assertThat(warped.pixels()).isNotEqualTo(plain.pixels());
        for (int i = 0; i < 20; i++) {
            int x = Math.round(warped.boxes()[4 * i] * size);
            int y = Math.round(warped.boxes()[4 * i + 1] * size);
            int inside = 0;
            for (int py = 0; py < size; py++) {
                for (int px = 0; px < size; px++) {
                    int p = warped.pixels()[i * size * size + py * size + px] & 0xFF;
                    if (px >= x && px < x + 28 && py >= y && py < y + 28) {
                        inside += p;
                    } else {
                        assertThat(p).as("ink outside the box").isZero();
                    }
                }
            }
            assertThat(inside).isGreaterThan(255 * 200);
        }
    }
}
