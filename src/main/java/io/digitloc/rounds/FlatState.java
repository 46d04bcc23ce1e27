package io.digitloc.rounds;

import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.Serializable;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * A network's parameters and, when it travels, its updater state, as flat float arrays (the layouts of
 * a ComputationGraph's {@code params()} and its updater's state view). Through Java serialization each
 * array goes as one block of bytes, copied in bulk, where {@code ObjectOutputStream} converts a
 * {@code float[]} element by element.
 */
public final class FlatState implements Serializable {
    private static final long serialVersionUID = 1L;
    private transient float[] params;
    private transient float[] updater;

    /** @param updater null when the updater state does not travel */
    public FlatState(float[] params, float[] updater) {
        this.params = params;
        this.updater = updater;
    }

    public float[] params() {
        return params;
    }

    /** The updater state, or null. */
    public float[] updater() {
        return updater;
    }

    /** Bytes of the arrays (what crosses the network, less a few bytes of framing). */
    public long bytes() {
        return 4L * (params.length + (updater == null ? 0 : updater.length));
    }

    private void writeObject(ObjectOutputStream out) throws IOException {
        out.defaultWriteObject();
        write(out, params);
        write(out, updater);
    }

    private void readObject(ObjectInputStream in) throws IOException, ClassNotFoundException {
        in.defaultReadObject();
        params = read(in);
        updater = read(in);
    }

    private static void write(ObjectOutputStream out, float[] a) throws IOException {
        if (a == null) {
            out.writeInt(-1);
            return;
        }
        ByteBuffer bytes = ByteBuffer.allocate(4 * a.length).order(ByteOrder.LITTLE_ENDIAN);
        bytes.asFloatBuffer().put(a);
        out.writeInt(a.length);
        out.write(bytes.array());
    }

    private static float[] read(ObjectInputStream in) throws IOException {
        int n = in.readInt();
        if (n < 0) {
            return null;
        }
        byte[] bytes = new byte[4 * n];
        in.readFully(bytes);
        float[] a = new float[n];
        ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(a);
        return a;
    }
}
