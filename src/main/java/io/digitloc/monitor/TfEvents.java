package io.digitloc.monitor;

import org.nd4j.shade.protobuf.ByteString;
import org.nd4j.shade.protobuf.CodedInputStream;
import org.nd4j.shade.protobuf.CodedOutputStream;
import org.nd4j.shade.protobuf.WireFormat;
import org.tensorflow.framework.DataType;
import org.tensorflow.framework.Summary;
import org.tensorflow.framework.SummaryMetadata;
import org.tensorflow.framework.TensorProto;
import org.tensorflow.framework.TensorShapeProto;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * TensorFlow's {@code Event} protocol buffer (tensorflow/core/util/event.proto), as much of it as
 * TensorBoard needs: {@code wall_time} (1, double), {@code step} (2, int64), {@code file_version} (3,
 * string; "brain.Event:2" in a file's first event) and {@code summary} (5). ND4J ships TensorFlow's
 * {@link Summary} classes (its shaded protobuf) but not {@code Event}, so the few Event fields are
 * written and read here by hand. The summaries follow what TensorBoard's plugins read: scalars as
 * {@code simple_value}, images as {@code Summary.Image} (PNG), text as a string tensor with the text
 * plugin's metadata.
 */
public final class TfEvents {
    /** The version TensorBoard expects in a file's first event (2: restarts are marked, not guessed). */
    public static final String FILE_VERSION = "brain.Event:2";
    static final int WALL_TIME = 1;
    static final int STEP = 2;
    static final int FILE_VERSION_FIELD = 3;
    static final int SUMMARY = 5;
    /** TensorBoard's text plugin (tensorboard/plugins/text/metadata.py: PLUGIN_NAME). */
    public static final String TEXT_PLUGIN = "text";

    private TfEvents() {
    }

    /** One decoded event: its time, step, and file version or summary (the other empty or null). */
    public record Event(double wallTime, long step, String fileVersion, Summary summary) {
    }

    /** A file's first event. */
    public static byte[] fileVersion(double wallTime) {
        return encode(wallTime, 0, FILE_VERSION, null);
    }

    public static byte[] summary(double wallTime, long step, Summary summary) {
        return encode(wallTime, step, null, summary);
    }

    private static byte[] encode(double wallTime, long step, String fileVersion, Summary summary) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(64 + (summary == null ? 0 : summary.getSerializedSize()));
        CodedOutputStream out = CodedOutputStream.newInstance(bytes);
        try {
            out.writeDouble(WALL_TIME, wallTime);
            if (step != 0) { // proto3: zero is the default and left out
                out.writeInt64(STEP, step);
            }
            if (fileVersion != null) {
                out.writeString(FILE_VERSION_FIELD, fileVersion);
            }
            if (summary != null) {
                out.writeMessage(SUMMARY, summary);
            }
            out.flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e); // a byte array does not fail
        }
        return bytes.toByteArray();
    }

    /** Decodes one event, skipping the fields this project does not write. */
    public static Event parse(byte[] data) throws IOException {
        CodedInputStream in = CodedInputStream.newInstance(data);
        double wallTime = 0;
        long step = 0;
        String fileVersion = "";
        Summary summary = null;
        for (int tag; (tag = in.readTag()) != 0; ) {
            switch (WireFormat.getTagFieldNumber(tag)) {
                case WALL_TIME -> wallTime = in.readDouble();
                case STEP -> step = in.readInt64();
                case FILE_VERSION_FIELD -> fileVersion = in.readString();
                case SUMMARY -> summary = Summary.parseFrom(in.readBytes());
                default -> in.skipField(tag);
            }
        }
        return new Event(wallTime, step, fileVersion, summary);
    }

    /** A scalar as TensorBoard's scalar dashboard reads it (a 32-bit float). */
    public static Summary.Value scalar(String tag, double value) {
        return Summary.Value.newBuilder().setTag(tag).setSimpleValue((float) value).build();
    }

    /**
     * An image summary of PNG bytes; its size and colour space come from the PNG header.
     *
     * @throws IllegalArgumentException when {@code png} is not a PNG file
     */
    public static Summary.Value image(String tag, byte[] png) {
        Png header = Png.header(png);
        return Summary.Value.newBuilder().setTag(tag).setImage(Summary.Image.newBuilder()
                .setWidth(header.width()).setHeight(header.height()).setColorspace(header.colorspace())
                .setEncodedImageString(ByteString.copyFrom(png))).build();
    }

    /**
     * Text for TensorBoard's text dashboard, which renders it as Markdown: a scalar string tensor with
     * the text plugin's name in the metadata (what {@code tensorboard.summary.text} writes; its plugin
     * data, TextPluginData version 0, serialises to no bytes).
     */
    public static Summary.Value text(String tag, String markdown) {
        TensorProto tensor = TensorProto.newBuilder().setDtype(DataType.DT_STRING)
                .setTensorShape(TensorShapeProto.getDefaultInstance())
                .addStringVal(ByteString.copyFrom(markdown, StandardCharsets.UTF_8)).build();
        SummaryMetadata metadata = SummaryMetadata.newBuilder()
                .setPluginData(SummaryMetadata.PluginData.newBuilder().setPluginName(TEXT_PLUGIN)).build();
        return Summary.Value.newBuilder().setTag(tag).setMetadata(metadata).setTensor(tensor).build();
    }

    /** What the PNG header (signature, then the IHDR chunk) says about an image. */
    record Png(int width, int height, int colorspace) {
        private static final byte[] SIGNATURE = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};

        static Png header(byte[] png) {
            if (png == null || png.length < 33) {
                throw new IllegalArgumentException("not a PNG image: " + (png == null ? "null" : png.length + " bytes"));
            }
            for (int i = 0; i < SIGNATURE.length; i++) {
                if (png[i] != SIGNATURE[i]) {
                    throw new IllegalArgumentException("not a PNG image: the file does not start with the PNG signature");
                }
            }
            ByteBuffer b = ByteBuffer.wrap(png); // big-endian, as PNG
            if (b.getInt(12) != 0x49484452) { // "IHDR"
                throw new IllegalArgumentException("not a PNG image: the first chunk is not IHDR");
            }
            int width = b.getInt(16);
            int height = b.getInt(20);
            // PNG colour types: 0 grey, 2 RGB, 3 palette, 4 grey + alpha, 6 RGBA; Summary.Image: channels
            int colorspace = switch (png[25]) {
                case 0 -> 1;
                case 4 -> 2;
                case 6 -> 4;
                default -> 3;
            };
            return new Png(width, height, colorspace);
        }
    }
}
