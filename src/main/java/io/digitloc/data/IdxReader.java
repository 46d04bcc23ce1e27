package io.digitloc.data;

import java.io.BufferedInputStream;
import java.io.Closeable;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;

/**
 * Streams one IDX file (the MNIST format): a big-endian header of magic number and dimensions,
 * then unsigned bytes. Images ({@code 0x00000803}: count, rows, cols) and labels
 * ({@code 0x00000801}: count) are both records of {@link #recordSize()} bytes. Every failure names
 * the file and says what was expected.
 */
public final class IdxReader implements Closeable {

    /** Magic number of an unsigned-byte, 3-dimensional IDX file (images). */
    public static final int IMAGES_MAGIC = 0x00000803;
    /** Magic number of an unsigned-byte, 1-dimensional IDX file (labels). */
    public static final int LABELS_MAGIC = 0x00000801;

    private final String name;
    private final DataInputStream in;
    private final int count;
    private final int rows;
    private final int cols;
    private final int recordSize;
    private int position;

    private IdxReader(String name, InputStream raw, int expectedMagic) {
        this.name = name;
        this.in = new DataInputStream(new BufferedInputStream(raw, 1 << 16));
        try {
            int magic = readHeaderInt("magic number");
            if (magic != expectedMagic) {
                throw new IdxFormatException(String.format(
                        "%s: wrong IDX magic number 0x%08x, expected 0x%08x (%s)", name, magic, expectedMagic,
                        expectedMagic == IMAGES_MAGIC ? "unsigned-byte images, 3 dimensions" : "unsigned-byte labels, 1 dimension"));
            }
            count = readHeaderInt("item count");
            if (count < 0) {
                throw new IdxFormatException(name + ": negative item count " + count);
            }
            if (expectedMagic == IMAGES_MAGIC) {
                rows = readHeaderInt("row count");
                cols = readHeaderInt("column count");
                if (rows <= 0 || cols <= 0 || (long) rows * cols > 1 << 24) {
                    throw new IdxFormatException(name + ": impossible image size " + rows + "x" + cols);
                }
            } else {
                rows = 1;
                cols = 1;
            }
            recordSize = rows * cols;
        } catch (IdxFormatException e) {
            closeQuietly();
            throw e;
        }
    }

    /** Opens an images file; the stream is owned (and closed) by the reader. */
    public static IdxReader images(String name, InputStream in) {
        return new IdxReader(name, in, IMAGES_MAGIC);
    }

    /** Opens a labels file; the stream is owned (and closed) by the reader. */
    public static IdxReader labels(String name, InputStream in) {
        return new IdxReader(name, in, LABELS_MAGIC);
    }

    private int readHeaderInt(String what) {
        try {
            return in.readInt();
        } catch (EOFException e) {
            throw new IdxFormatException(name + ": truncated header (no " + what + "); not an IDX file or empty", e);
        } catch (IOException e) {
            throw new IdxFormatException(name + ": cannot read header: " + e.getMessage(), e);
        }
    }

    public String name() {
        return name;
    }

    /** Items the header announces. */
    public int count() {
        return count;
    }

    public int rows() {
        return rows;
    }

    public int cols() {
        return cols;
    }

    /** Bytes per item: rows x cols for images, 1 for labels. */
    public int recordSize() {
        return recordSize;
    }

    /** Index of the next item to be read. */
    public int position() {
        return position;
    }

    /** Skips {@code n} items without decoding them. */
    public void skip(int n) {
        if (n < 0 || position + (long) n > count) {
            throw new IllegalArgumentException(name + ": cannot skip " + n + " items from " + position + " of " + count);
        }
        long bytes = (long) n * recordSize;
        try {
            long skipped = 0;
            while (skipped < bytes) {
                long s = in.skip(bytes - skipped);
                if (s <= 0) {
                    if (in.read() < 0) {
                        throw truncated(position + (int) (skipped / recordSize));
                    }
                    s = 1;
                }
                skipped += s;
            }
        } catch (IOException e) {
            throw new IdxFormatException(name + ": read failed: " + e.getMessage(), e);
        }
        position += n;
    }

    /** Reads the next item into {@code dst} (length {@link #recordSize()}). */
    public void read(byte[] dst) {
        if (dst.length != recordSize) {
            throw new IllegalArgumentException("buffer of " + dst.length + " bytes for records of " + recordSize);
        }
        if (position >= count) {
            throw new IllegalStateException(name + ": all " + count + " items already read");
        }
        try {
            in.readFully(dst);
        } catch (EOFException e) {
            throw truncated(position);
        } catch (IOException e) {
            throw new IdxFormatException(name + ": read failed at item " + position + ": " + e.getMessage(), e);
        }
        position++;
    }

    /** Reads the next label, which must be a class index below {@code numClasses}. */
    public int readLabel(int numClasses) {
        if (recordSize != 1) {
            throw new IllegalStateException(name + " is not a labels file");
        }
        if (position >= count) {
            throw new IllegalStateException(name + ": all " + count + " labels already read");
        }
        int label;
        try {
            label = in.read();
        } catch (IOException e) {
            throw new IdxFormatException(name + ": read failed at label " + position + ": " + e.getMessage(), e);
        }
        if (label < 0) {
            throw truncated(position);
        }
        if (label >= numClasses) {
            throw new IdxFormatException(name + ": label " + label + " at item " + position + " is not a class in 0.."
                    + (numClasses - 1));
        }
        position++;
        return label;
    }

    /** Checks that nothing follows the last announced item (a longer file is not what its header says). */
    public void requireEnd() {
        try {
            skip(count - position);
            if (in.read() >= 0) {
                throw new IdxFormatException(name + ": data continues past the " + count
                        + " items its header announces");
            }
        } catch (IOException e) {
            throw new IdxFormatException(name + ": read failed: " + e.getMessage(), e);
        }
    }

    private IdxFormatException truncated(int at) {
        return new IdxFormatException(name + ": truncated: file ends inside item " + at + " of the " + count
                + " its header announces");
    }

    private void closeQuietly() {
        try {
            in.close();
        } catch (IOException ignored) {
            // the header error is what matters
        }
    }

    @Override
    public void close() {
        try {
            in.close();
        } catch (IOException e) {
            throw new IdxFormatException(name + ": close failed: " + e.getMessage(), e);
        }
    }
}
