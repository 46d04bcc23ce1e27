package io.digitloc.testing;

import java.nio.file.Files;
import java.nio.file.Path;

/** The real MNIST files, fetched by the build (scripts/fetch-mnist.sh in generate-test-resources). */
public final class Mnist {
    private Mnist() {
    }

    public static Path dir() {
        Path dir = Path.of(System.getProperty("digitloc.mnist.dir", "data/mnist"));
        if (!Files.isRegularFile(dir.resolve("train-images-idx3-ubyte"))) {
            throw new IllegalStateException("MNIST is not in " + dir.toAbsolutePath()
                    + "; run scripts/fetch-mnist.sh (mvn verify does it)");
        }
        return dir;
    }
}
