package io.digitloc.monitor;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.zip.CRC32C;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The framing against known answers. The expected bytes were produced by TensorBoard's own Python
 * writer (tensorboard.summary.writer.record_writer.RecordWriter and its masked_crc32c), an
 * implementation independent of this one.
 */
class TfRecordTest {
    private static final HexFormat HEX = HexFormat.of();

    @Test
    void crc32cAndItsMaskMatchTensorFlow() {
        byte[] digits = "123456789".getBytes(StandardCharsets.US_ASCII);
        CRC32C crc = new CRC32C();
        crc.update(digits);
        assertThat(crc.getValue()).isEqualTo(0xe3069283L); // the CRC-32C check value
        assertThat(TfRecord.maskedCrc32c(digits, 0, digits.length)).isEqualTo(0xc78ab0e5);
        assertThat(TfRecord.maskedCrc32c(new byte[0], 0, 0)).isEqualTo(0xa282ead8);
    }

    @Test
    void framesARecordAsTensorBoardDoes() {
        assertThat(HEX.formatHex(TfRecord.frame("hello".getBytes(StandardCharsets.US_ASCII))))
                .isEqualTo("0500000000000000" + "eab2043e" + "68656c6c6f" + "bb1f1c19");
        // a whole scalar event (wall time 2, step 7, tag "a" = 0.5), as TensorBoard frames it
        byte[] event = HEX.parseHex("09000000000000004010072a0a0a080a0161150000003f");
        assertThat(HEX.formatHex(TfRecord.frame(event)))
                .isEqualTo("1700000000000000e7cef81e09000000000000004010072a0a0a080a0161150000003f0414b791");
    }

    @Test
    void readsRecordsBackAndStopsAtACutTail() throws IOException {
        byte[] a = TfRecord.frame("first".getBytes(StandardCharsets.UTF_8));
        byte[] b = TfRecord.frame(new byte[300]);
        byte[] both = concat(a, b);
        List<byte[]> read = TfRecord.readAll(both);
        assertThat(read).hasSize(2);
        assertThat(new String(read.get(0), StandardCharsets.UTF_8)).isEqualTo("first");
        assertThat(read.get(1)).hasSize(300);
        // a writer killed inside the second record: the first is all there is
        for (int cut : new int[] {a.length + 3, a.length + 12, both.length - 1}) {
            assertThat(TfRecord.readAll(Arrays.copyOf(both, cut))).as("cut at " + cut).hasSize(1);
        }
        assertThat(TfRecord.readAll(new byte[0])).isEmpty();
    }

    @Test
    void aDamagedRecordIsReportedNotReturned() {
        byte[] framed = TfRecord.frame("payload".getBytes(StandardCharsets.UTF_8));
        byte[] badData = framed.clone();
        badData[14] ^= 1;
        assertThatThrownBy(() -> TfRecord.read(new ByteArrayInputStream(badData)))
                .isInstanceOf(TfRecord.CorruptRecordException.class).hasMessageContaining("data checksum");
        byte[] badLength = framed.clone();
        badLength[0] ^= 1;
        assertThatThrownBy(() -> TfRecord.read(new ByteArrayInputStream(badLength)))
                .isInstanceOf(TfRecord.CorruptRecordException.class).hasMessageContaining("length checksum");
    }

    static byte[] concat(byte[] a, byte[] b) {
        byte[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
