package io.digitloc.data;

import io.digitloc.core.CanvasBatch;
import org.apache.spark.sql.Row;

import java.util.List;

/** Turns Parquet canvas rows into {@link CanvasBatch}es, checking each canvas against the model's size. */
public final class CanvasRows {
    private CanvasRows() {
    }

    /** The rows' canvas ids, in order. */
    public static long[] ids(List<Row> rows) {
        long[] ids = new long[rows.size()];
        for (int i = 0; i < ids.length; i++) {
            ids[i] = rows.get(i).getLong(rows.get(i).fieldIndex(CanvasSchema.ID));
        }
        return ids;
    }

    /** Packs rows (all of side {@code size}) into one batch. */
    public static CanvasBatch batch(List<Row> rows, int size) {
        int n = rows.size();
        byte[] labels = new byte[n];
        float[] boxes = new float[4 * n];
        byte[] pixels = new byte[n * size * size];
        for (int i = 0; i < n; i++) {
            Row r = rows.get(i);
            int width = r.getInt(r.fieldIndex(CanvasSchema.WIDTH));
            int height = r.getInt(r.fieldIndex(CanvasSchema.HEIGHT));
            if (width != size || height != size) {
                throw new DatasetException("canvas " + r.getLong(r.fieldIndex(CanvasSchema.ID)) + " is " + width + "x"
                        + height + " but the model takes " + size + "x" + size + " canvases");
            }
            byte[] p = r.getAs(CanvasSchema.PIXELS);
            if (p.length != size * size) {
                throw new DatasetException("canvas " + r.getLong(r.fieldIndex(CanvasSchema.ID)) + " has " + p.length
                        + " pixel bytes, expected " + size * size);
            }
            int label = r.getInt(r.fieldIndex(CanvasSchema.LABEL));
            if (label < 0 || label > 9) {
                throw new DatasetException("canvas " + r.getLong(r.fieldIndex(CanvasSchema.ID)) + " has label " + label
                        + ", expected 0..9");
            }
            labels[i] = (byte) label;
            boxes[4 * i] = r.getFloat(r.fieldIndex(CanvasSchema.XMIN));
            boxes[4 * i + 1] = r.getFloat(r.fieldIndex(CanvasSchema.YMIN));
            boxes[4 * i + 2] = r.getFloat(r.fieldIndex(CanvasSchema.XMAX));
            boxes[4 * i + 3] = r.getFloat(r.fieldIndex(CanvasSchema.YMAX));
            System.arraycopy(p, 0, pixels, i * size * size, p.length);
        }
        return new CanvasBatch(size, labels, boxes, pixels);
    }
}
