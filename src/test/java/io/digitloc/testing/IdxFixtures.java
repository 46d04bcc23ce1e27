package io.digitloc.testing;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import java.util.zip.GZIPOutputStream;

/** Writes small IDX files for tests: digits whose every pixel is non-zero, so their place on a canvas is visible. */
public final class IdxFixtures {
    private IdxFixtures() {
    }

    public static byte[] images(int count, int rows, int cols, long seed) {
        Random rng = new Random(seed);
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeInt(0x00000803);
            out.writeInt(count);
            out.writeInt(rows);
            out.writeInt(cols);
            for (int i = 0; i < count * rows * cols; i++) {
                out.writeByte(1 + rng.nextInt(255));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    public static byte[] labels(int count, long seed) {
        Random rng = new Random(seed);
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeInt(0x00000801);
            out.writeInt(count);
            for (int i = 0; i < count; i++) {
                out.writeByte(rng.nextInt(10));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    /** A complete MNIST-style directory with {@code train} and {@code test} digits. */
    public static Path mnistDir(Path dir, int train, int test) {
        write(dir.resolve("train-images-idx3-ubyte"), images(train, 28, 28, 1));
        write(dir.resolve("train-labels-idx1-ubyte"), labels(train, 2));
        write(dir.resolve("t10k-images-idx3-ubyte"), images(test, 28, 28, 3));
        write(dir.resolve("t10k-labels-idx1-ubyte"), labels(test, 4));
        return dir;
    }

    public static Path write(Path file, byte[] bytes) {
        try {
            Files.createDirectories(file.getParent());
            Files.write(file, bytes);
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static byte[] gzip(byte[] bytes) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (OutputStream gz = new GZIPOutputStream(out)) {
            gz.write(bytes);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }
}
