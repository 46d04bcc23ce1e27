package io.digitloc.core;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.api.MultiDataSet;
import org.nd4j.linalg.factory.Nd4j;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

/**
 * A mini-batch of canvases in the compact form the trainer ships between stages: raw bytes for
 * pixels and labels (4x smaller than the float tensors DL4J would export), turned into a
 * {@link MultiDataSet} only on the worker that fits it.
 *
 * @param size   canvas side in pixels
 * @param labels one digit per example
 * @param boxes  4 floats per example: xmin, ymin, xmax, ymax (normalised)
 * @param pixels size*size bytes per example, row-major
 */
public record CanvasBatch(int size, byte[] labels, float[] boxes, byte[] pixels) {
    static final int MAGIC = 0x44_4C_43_42; // "DLCB"
    static final int VERSION = 1;

    public CanvasBatch {
        int n = labels.length;
        if (boxes.length != 4 * n || pixels.length != n * size * size) {
            throw new IllegalArgumentException("inconsistent batch: " + n + " labels, " + boxes.length + " box values, "
                    + pixels.length + " pixels for " + size + "x" + size + " canvases");
        }
    }

    public int count() {
        return labels.length;
    }

    /**
     * Features [n, 1, size, size] scaled to [0,1]; labels: one-hot digits [n, 10] for
     * the classification output, boxes [n, 4] for the box output.
     */
    public MultiDataSet toMultiDataSet() {
        return toMultiDataSet(0);
    }

    /** As {@link #toMultiDataSet()}, with the digit targets smoothed by {@code smoothing} (see {@link #targets}). */
    public MultiDataSet toMultiDataSet(double smoothing) {
        return new org.nd4j.linalg.dataset.MultiDataSet(new INDArray[] {features()},
                new INDArray[] {Nd4j.create(targets(smoothing), new long[] {count(), Digits.CLASSES}, 'c'),
                        Nd4j.create(boxes.clone(), new long[] {count(), 4}, 'c')});
    }

    public INDArray features() {
        return features(pixels, count(), size);
    }

    /**
     * The classification targets, row-major [n, 10]: the true digit 1 - s + s/10, every other s/10
     * (label smoothing; s = 0 is one-hot). Each row still sums to 1, so cross-entropy stays a proper loss.
     */
    float[] targets(double smoothing) {
        float off = (float) (smoothing / Digits.CLASSES);
        float on = (float) (1 - smoothing + smoothing / Digits.CLASSES);
        float[] hot = new float[count() * Digits.CLASSES];
        if (off != 0) {
            java.util.Arrays.fill(hot, off);
        }
        for (int i = 0; i < count(); i++) {
            hot[i * Digits.CLASSES + labels[i]] = on;
        }
        return hot;
    }

    public void writeTo(OutputStream raw) throws IOException {
        DataOutputStream out = new DataOutputStream(raw);
        out.writeInt(MAGIC);
        out.writeInt(VERSION);
        out.writeInt(count());
        out.writeInt(size);
        out.write(labels);
        for (float b : boxes) {
            out.writeFloat(b);
        }
        out.write(pixels);
        out.flush();
    }

    public static CanvasBatch readFrom(InputStream raw, String where) throws IOException {
        DataInputStream in = new DataInputStream(raw);
        try {
            int magic = in.readInt();
            int version = in.readInt();
            if (magic != MAGIC || version != VERSION) {
                throw new IOException(where + " is not a canvas batch file (version " + VERSION + ")");
            }
            int n = in.readInt();
            int size = in.readInt();
            if (n < 0 || size <= 0 || (long) n * size * size > Integer.MAX_VALUE) {
                throw new IOException(where + ": impossible batch header (" + n + " canvases of " + size + "px)");
            }
            byte[] labels = new byte[n];
            in.readFully(labels);
            float[] boxes = new float[4 * n];
            for (int i = 0; i < boxes.length; i++) {
                boxes[i] = in.readFloat();
            }
            byte[] pixels = new byte[n * size * size];
            in.readFully(pixels);
            return new CanvasBatch(size, labels, boxes, pixels);
        } catch (EOFException e) {
            throw new IOException(where + ": truncated canvas batch file", e);
        }
    }

    /** Scales bytes (0..255) to floats in [0,1], shaped [n, 1, size, size]: the network's input. */
    public static INDArray features(byte[] pixels, int n, int size) {
        float[] f = new float[pixels.length];
        for (int i = 0; i < f.length; i++) {
            f[i] = (pixels[i] & 0xFF) / 255f;
        }
        return Nd4j.create(f, new long[] {n, 1, size, size}, 'c');
    }
}
