package io.digitloc.augment;

import io.digitloc.core.CanvasBatch;
import io.digitloc.core.Digits;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

/**
 * A partition of canvases kept as what they are made of: each one's 28x28 digit, its top-left corner,
 * its label, box and id. About 800 bytes a canvas instead of 5,625 (75x75), so every executor can hold
 * the whole train split and its workers make each epoch's batches themselves ({@link EpochBatches}).
 * Exact: {@link #canvases} gives back the very canvases it was made of, as long as they hold nothing
 * but the digit on black, which {@link #of} checks.
 *
 * @param size    the canvases' side
 * @param ids     one per canvas
 * @param labels  one digit per canvas
 * @param boxes   4 floats per canvas, as stored
 * @param corners 2 ints per canvas: the digit's top-left (x, y) on its canvas
 * @param digits  784 bytes per canvas, row-major
 */
public record DigitPack(int size, long[] ids, byte[] labels, float[] boxes, int[] corners, byte[] digits) {
    private static final int MAGIC = 0x44_4C_44_50; // "DLDP"
    private static final int VERSION = 1;
    private static final int D = Digits.SIDE;

    public DigitPack {
        int n = ids.length;
        if (labels.length != n || boxes.length != 4 * n || corners.length != 2 * n || digits.length != n * D * D) {
            throw new IllegalArgumentException("inconsistent digit pack of " + n + " canvases");
        }
    }

    public int count() {
        return ids.length;
    }

    /**
     * The digits of {@code batch}'s canvases (ids in batch order), each cut from where its box says.
     *
     * @throws IllegalArgumentException naming the first canvas with ink outside its digit's 28x28 patch
     */
    public static DigitPack of(CanvasBatch batch, long[] ids) {
        int n = batch.count();
        int size = batch.size();
        int[] corners = new int[2 * n];
        byte[] digits = new byte[n * D * D];
        byte[] pixels = batch.pixels();
        for (int i = 0; i < n; i++) {
            int x = Math.round(batch.boxes()[4 * i] * size);
            int y = Math.round(batch.boxes()[4 * i + 1] * size);
            int base = i * size * size;
            if (x < 0 || y < 0 || x + D > size || y + D > size || inkOutside(pixels, base, size, x, y)) {
                throw new IllegalArgumentException("canvas " + ids[i] + " is not one 28x28 digit on black at its box's"
                        + " corner, so it cannot be re-made from its digit");
            }
            for (int row = 0; row < D; row++) {
                System.arraycopy(pixels, base + (y + row) * size + x, digits, (i * D + row) * D, D);
            }
            corners[2 * i] = x;
            corners[2 * i + 1] = y;
        }
        return new DigitPack(size, ids.clone(), batch.labels().clone(), batch.boxes().clone(), corners, digits);
    }

    private static boolean inkOutside(byte[] pixels, int base, int size, int x, int y) {
        for (int row = 0; row < size; row++) {
            boolean digitRow = row >= y && row < y + D;
            for (int col = 0; col < size; col++) {
                if (pixels[base + row * size + col] != 0 && !(digitRow && col >= x && col < x + D)) {
                    return true;
                }
            }
        }
        return false;
    }

    /** The canvases at positions {@code rows} of this pack, in that order, as they were stored. */
    public CanvasBatch canvases(int[] rows) {
        int n = rows.length;
        byte[] labels = new byte[n];
        float[] boxes = new float[4 * n];
        byte[] pixels = new byte[n * size * size];
        for (int i = 0; i < n; i++) {
            int r = rows[i];
            labels[i] = this.labels[r];
            System.arraycopy(this.boxes, 4 * r, boxes, 4 * i, 4);
            int x = corners[2 * r];
            int y = corners[2 * r + 1];
            for (int row = 0; row < D; row++) {
                System.arraycopy(digits, (r * D + row) * D, pixels, i * size * size + (y + row) * size + x, D);
            }
        }
        return new CanvasBatch(size, labels, boxes, pixels);
    }

    /** The ids at positions {@code rows}. */
    public long[] ids(int[] rows) {
        long[] out = new long[rows.length];
        for (int i = 0; i < rows.length; i++) {
            out[i] = ids[rows[i]];
        }
        return out;
    }

    /** Its ids and corners, then its labels, boxes and digits as a {@link CanvasBatch} of 28x28 canvases. */
    public void writeTo(OutputStream raw) throws IOException {
        DataOutputStream out = new DataOutputStream(raw);
        out.writeInt(MAGIC);
        out.writeInt(VERSION);
        out.writeInt(count());
        out.writeInt(size);
        for (long id : ids) {
            out.writeLong(id);
        }
        for (int c : corners) {
            out.writeShort(c);
        }
        new CanvasBatch(D, labels, boxes, digits).writeTo(out);
    }

    public static DigitPack readFrom(InputStream raw, String where) throws IOException {
        DataInputStream in = new DataInputStream(raw);
        try {
            if (in.readInt() != MAGIC || in.readInt() != VERSION) {
                throw new IOException(where + " is not a digit pack file (version " + VERSION + ")");
            }
            int n = in.readInt();
            int size = in.readInt();
            if (n < 0 || size < D || n > Integer.MAX_VALUE / (D * D)) {
                throw new IOException(where + ": impossible digit pack header (" + n + " canvases of " + size + "px)");
            }
            long[] ids = new long[n];
            for (int i = 0; i < n; i++) {
                ids[i] = in.readLong();
            }
            int[] corners = new int[2 * n];
            for (int i = 0; i < corners.length; i++) {
                corners[i] = in.readUnsignedShort();
            }
            CanvasBatch digits = CanvasBatch.readFrom(in, where);
            if (digits.count() != n || digits.size() != D) {
                throw new IOException(where + ": its digits do not match its header (" + n + " canvases)");
            }
            return new DigitPack(size, ids, digits.labels(), digits.boxes(), corners, digits.pixels());
        } catch (EOFException e) {
            throw new IOException(where + ": truncated digit pack file", e);
        }
    }
}
