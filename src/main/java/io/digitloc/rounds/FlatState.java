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

    /**
     * A 64-bit fingerprint of the exact bits of both arrays (and whether the updater state is there), never
     * 0: a barrier worker whose kept network holds a state with the driver's start's fingerprint starts
     * from its own copy instead of the driver's sending it again. FNV-1a over the float bits, then a
     * final mix; not cryptographic (two states that differ anywhere differ here but for a 2^-64 chance).
     */
    public long fingerprint() {
        long h = mix(mix(0xcbf29ce484222325L, params), updater);
        h ^= h >>> 33;
        h *= 0xff51afd7ed558ccdL;
        h ^= h >>> 33;
        return h == 0 ? 1 : h;
    }

    private static long mix(long h, float[] a) {
        if (a == null) {
            return (h ^ -1L) * 0x100000001b3L;
        }
        h = (h ^ a.length) * 0x100000001b3L;
        for (float f : a) {
            h = (h ^ Float.floatToRawIntBits(f)) * 0x100000001b3L;
        }
        return h;
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
