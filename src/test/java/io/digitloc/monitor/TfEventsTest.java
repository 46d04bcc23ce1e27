package io.digitloc.monitor;

import org.junit.jupiter.api.Test;
import org.tensorflow.framework.DataType;
import org.tensorflow.framework.Summary;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Event encoding against the bytes TensorBoard's own protobuf classes (event_pb2, summary_pb2) produce. */
class TfEventsTest {
    private static final HexFormat HEX = HexFormat.of();

    @Test
    void encodesEventsByteForByteAsTensorFlow() throws IOException {
        // event_pb2.Event(wall_time=1.5, file_version="brain.Event:2").SerializeToString()
        assertThat(HEX.formatHex(TfEvents.fileVersion(1.5)))
                .isEqualTo("09000000000000f83f1a0d627261696e2e4576656e743a32");
        // Event(wall_time=2.0, step=7, summary=Summary(value=[Value(tag="a", simple_value=0.5)]))
        Summary s = Summary.newBuilder().addValue(TfEvents.scalar("a", 0.5)).build();
        assertThat(HEX.formatHex(TfEvents.summary(2.0, 7, s)))
                .isEqualTo("09000000000000004010072a0a0a080a0161150000003f");
    }

    @Test
    void parsesWhatItWrites() throws IOException {
        Summary s = Summary.newBuilder().addValue(TfEvents.scalar("validation/accuracy", 0.9912))
                .addValue(TfEvents.scalar("validation/loss", 0.031)).build();
        TfEvents.Event e = TfEvents.parse(TfEvents.summary(1_764_000_000.25, 120_000, s));
        assertThat(e.wallTime()).isEqualTo(1_764_000_000.25);
        assertThat(e.step()).isEqualTo(120_000);
        assertThat(e.summary().getValue(0).getTag()).isEqualTo("validation/accuracy");
        assertThat(e.summary().getValue(0).getSimpleValue()).isEqualTo(0.9912f);
        assertThat(e.summary().getValue(1).getSimpleValue()).isEqualTo(0.031f);
        TfEvents.Event first = TfEvents.parse(TfEvents.fileVersion(3));
        assertThat(first.fileVersion()).isEqualTo(TfEvents.FILE_VERSION);
        assertThat(first.summary()).isNull();
    }

    @Test
    void textIsAStringTensorOfTheTextPlugin() {
        Summary.Value v = TfEvents.text("run/settings", "epochs = 40 — ü");
        assertThat(v.getMetadata().getPluginData().getPluginName()).isEqualTo("text");
        assertThat(v.getTensor().getDtype()).isEqualTo(DataType.DT_STRING);
        assertThat(v.getTensor().hasTensorShape()).isTrue();
        assertThat(v.getTensor().getTensorShape().getDimCount()).isZero(); // a scalar
        assertThat(v.getTensor().getStringVal(0).toString(StandardCharsets.UTF_8)).isEqualTo("epochs = 40 — ü");
    }

    @Test
    void imagesTakeTheirSizeAndChannelsFromThePng() throws IOException {
        Summary.Image rgb = TfEvents.image("grid", png(new BufferedImage(37, 21, BufferedImage.TYPE_INT_RGB))).getImage();
        assertThat(rgb.getWidth()).isEqualTo(37);
        assertThat(rgb.getHeight()).isEqualTo(21);
        assertThat(rgb.getColorspace()).isEqualTo(3);
        assertThat(TfEvents.image("g", png(new BufferedImage(5, 4, BufferedImage.TYPE_BYTE_GRAY))).getImage()
                .getColorspace()).isEqualTo(1);
        assertThat(TfEvents.image("g", png(new BufferedImage(5, 4, BufferedImage.TYPE_INT_ARGB))).getImage()
                .getColorspace()).isEqualTo(4);
        assertThatThrownBy(() -> TfEvents.image("g", "GIF89a, not a PNG at all........".getBytes(StandardCharsets.US_ASCII)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not a PNG");
        assertThatThrownBy(() -> TfEvents.image("g", new byte[3])).hasMessageContaining("not a PNG");
    }

    static byte[] png(BufferedImage image) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ImageIO.write(image, "png", out);
        return out.toByteArray();
    }
}
