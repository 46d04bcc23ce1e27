package io.digitloc.rounds;

import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Float arrays through Java serialization as one block of bytes. {@code ObjectOutputStream} writes a
 * {@code float[]} element by element (about 10 ms for a round's 5 MB of parameters and Adam state, each
 * way, on each side); a byte array goes through as one copy.
 */
public final class FloatArrays {
    private FloatArrays() {
    }

    /** Writes {@code a} (null allowed) as its length (-1 for null) and its bytes. */
    public static void write(ObjectOutputStream out, float[] a) throws IOException {
        if (a == null) {
            out.writeInt(-1);
            return;
        }
        ByteBuffer bytes = ByteBuffer.allocate(4 * a.length).order(ByteOrder.LITTLE_ENDIAN);
        bytes.asFloatBuffer().put(a);
        out.writeInt(a.length);
        out.write(bytes.array());
    }

    /** Reads what {@link #write} wrote. */
    public static float[] read(ObjectInputStream in) throws IOException {
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
