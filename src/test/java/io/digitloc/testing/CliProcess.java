package io.digitloc.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Starts the CLI in a separate JVM, as a scheduler would, so tests can kill it for real. */
public final class CliProcess {
    private CliProcess() {
    }

    public static Process start(Path log, String... args) {
        return start(log, List.of(), args);
    }

    /** As {@link #start(Path, String...)}, with {@code jvmOptions} (e.g. {@code -Dspark.ui.port=N}) for the JVM. */
    public static Process start(Path log, List<String> jvmOptions, String... args) {
        Path root = Path.of("").toAbsolutePath();
        try {
            String cp = root.resolve("target/classes") + java.io.File.pathSeparator
                    + Files.readString(root.resolve("target/classpath.txt")).trim();
            List<String> cmd = new ArrayList<>();
            cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
            cmd.add("-Xmx3g");
            cmd.addAll(OPENS);
            cmd.addAll(jvmOptions);
            cmd.add("-cp");
            cmd.add(cp);
            cmd.add("io.digitloc.cli.Main");
            cmd.addAll(List.of(args));
            ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile());
            pb.environment().put("SPARK_LOCAL_IP", "127.0.0.1");
            return pb.start();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Spark's Java 17 module flags and the Vector API module, for every JVM a test starts. */
    public static final List<String> OPENS = List.of("-XX:+IgnoreUnrecognizedVMOptions", "--add-modules=jdk.incubator.vector,jdk.incubator.foreign",
            "--enable-native-access=ALL-UNNAMED",
            "--add-opens=java.base/java.lang=ALL-UNNAMED", "--add-opens=java.base/java.lang.invoke=ALL-UNNAMED",
            "--add-opens=java.base/java.lang.reflect=ALL-UNNAMED", "--add-opens=java.base/java.io=ALL-UNNAMED",
            "--add-opens=java.base/java.net=ALL-UNNAMED", "--add-opens=java.base/java.nio=ALL-UNNAMED",
            "--add-opens=java.base/java.util=ALL-UNNAMED", "--add-opens=java.base/java.util.concurrent=ALL-UNNAMED",
            "--add-opens=java.base/java.util.concurrent.atomic=ALL-UNNAMED",
            "--add-opens=java.base/jdk.internal.ref=ALL-UNNAMED", "--add-opens=java.base/sun.nio.ch=ALL-UNNAMED",
            "--add-opens=java.base/sun.nio.cs=ALL-UNNAMED", "--add-opens=java.base/sun.security.action=ALL-UNNAMED",
            "--add-opens=java.base/sun.util.calendar=ALL-UNNAMED", "-Djdk.reflect.useDirectMethodHandle=false",
            "-Dio.netty.tryReflectionSetAccessible=true");

    /** Waits until {@code file} exists (or the process ends), up to {@code seconds}. */
    public static boolean awaitFile(Path file, Process p, int seconds) throws InterruptedException {
        long deadline = System.nanoTime() + seconds * 1_000_000_000L;
        while (System.nanoTime() < deadline) {
            if (Files.exists(file)) {
                return true;
            }
            if (!p.isAlive()) {
                return Files.exists(file);
            }
            Thread.sleep(200);
        }
        return false;
    }
}
