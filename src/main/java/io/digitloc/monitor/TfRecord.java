package io.digitloc.monitor;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.CRC32C;

/**
 * TensorFlow's record framing, which TensorBoard event files use: per record a little-endian uint64
 * length, the masked CRC32C of those 8 bytes, the data, the masked CRC32C of the data. The mask
 * (rotate right by 15, add a constant) keeps a CRC of data that itself holds CRCs from being trivial.
 */
public final class TfRecord {
    private static final int MASK_DELTA = 0xa282ead8;
    /** Records larger than this are taken for corruption when read (an event here is well under 16 MB). */
    static final long MAX_RECORD = 1L << 30;

    private TfRecord() {
    }

    /** TensorFlow's masked CRC32C of {@code len} bytes of {@code data} from {@code off}. */
    public static int maskedCrc32c(byte[] data, int off, int len) {
        CRC32C crc = new CRC32C();
        crc.update(data, off, len);
        int c = (int) crc.getValue();
        return ((c >>> 15) | (c << 17)) + MASK_DELTA;
    }

    /** {@code data} framed as one record. */
    public static byte[] frame(byte[] data) {
        ByteBuffer b = ByteBuffer.allocate(data.length + 16).order(ByteOrder.LITTLE_ENDIAN);
        b.putLong(data.length);
        b.putInt(maskedCrc32c(b.array(), 0, 8));
        b.put(data);
        b.putInt(maskedCrc32c(data, 0, data.length));
        return b.array();
    }

    /** Why reading a file of records ended early. */
    public static final class CorruptRecordException extends IOException {
        CorruptRecordException(String message) {
            super(message);
        }
    }

    /**
     * The next record's data, or null at the end. A record cut short at the end of the stream (a writer
     * killed mid-record, or one still writing) also counts as the end, as TensorBoard reads it.
     *
     * @throws CorruptRecordException when a length or data checksum does not match
     */
    public static byte[] read(InputStream in) throws IOException {
        byte[] header = new byte[12];
        int got = readFully(in, header);
        if (got < header.length) {
            return null;
        }
        ByteBuffer h = ByteBuffer.wrap(header).order(ByteOrder.LITTLE_ENDIAN);
        long length = h.getLong();
        if (h.getInt() != maskedCrc32c(header, 0, 8)) {
            throw new CorruptRecordException("record length checksum mismatch");
        }
        if (length < 0 || length > MAX_RECORD) {
            throw new CorruptRecordException("record length " + length + " out of range");
        }
        byte[] data = new byte[(int) length];
        byte[] footer = new byte[4];
        if (readFully(in, data) < data.length || readFully(in, footer) < footer.length) {
            return null;
        }
        if (ByteBuffer.wrap(footer).order(ByteOrder.LITTLE_ENDIAN).getInt() != maskedCrc32c(data, 0, data.length)) {
            throw new CorruptRecordException("record data checksum mismatch");
        }
        return data;
    }

    /** Reads until {@code buffer} is full or the stream ends; the bytes read. */
    private static int readFully(InputStream in, byte[] buffer) throws IOException {
        int n = 0;
        while (n < buffer.length) {
            int r = in.read(buffer, n, buffer.length - n);
            if (r < 0) {
                break;
            }
            n += r;
        }
        return n;
    }

    /** Every record of {@code bytes} (a whole file), for tests and small files. */
    static List<byte[]> readAll(byte[] bytes) throws IOException {
        List<byte[]> records = new ArrayList<>();
        try (InputStream in = new ByteArrayInputStream(bytes)) {
            for (byte[] r; (r = read(in)) != null; ) {
                records.add(r);
            }
        }
        return records;
    }
}
