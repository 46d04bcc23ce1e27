package io.digitloc.cluster;

import io.digitloc.testing.CliProcess;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A real Spark standalone cluster on 127.0.0.1: one Master and N Workers, each its own JVM started
 * from the Spark distribution's jars (target/spark-dist-classpath.txt), with authentication on. The
 * Workers need a SPARK_HOME whose jars/ holds Spark (links to the Maven jars) and
 * SPARK_SCALA_VERSION to launch executors. {@link #close()} stops every process it started, executors
 * included.
 */
final class LocalStandaloneCluster implements AutoCloseable {

    private final Path dir;
    private final String secret;
    private final List<Process> processes = new ArrayList<>();
    private final int port;
    private final Path sparkHome;
    private final String classpath;

    LocalStandaloneCluster(Path dir, Path sparkDistClasspath, String secret) {
        this.dir = dir;
        this.secret = secret;
        try {
            Files.createDirectories(dir.resolve("logs"));
            classpath = Files.readString(sparkDistClasspath).trim();
            sparkHome = dir.resolve("spark-home");
            Path jars = sparkHome.resolve("jars");
            Files.createDirectories(jars);
            for (String jar : classpath.split(File.pathSeparator)) {
                Path link = jars.resolve(Path.of(jar).getFileName());
                if (!Files.exists(link)) {
                    Files.createSymbolicLink(link, Path.of(jar));
                }
            }
            try (ServerSocket s = new ServerSocket(0)) {
                port = s.getLocalPort();
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Runtime.getRuntime().addShutdownHook(new Thread(this::close));
    }

    String masterUrl() {
        return "spark://127.0.0.1:" + port;
    }

    Path workDir() {
        return dir.resolve("work");
    }

    void start(int workers, int coresEach, String memoryEach, Duration timeout) throws IOException, InterruptedException {
        Path masterLog = dir.resolve("logs/master.log");
        launch(masterLog, "org.apache.spark.deploy.master.Master", "--host", "127.0.0.1", "--port",
                Integer.toString(port), "--webui-port", "0");
        waitFor(masterLog, "I have been elected leader", timeout);
        for (int w = 1; w <= workers; w++) {
            Path log = dir.resolve("logs/worker-" + w + ".log");
            launch(log, "org.apache.spark.deploy.worker.Worker", masterUrl(), "--host", "127.0.0.1", "--cores",
                    Integer.toString(coresEach), "--memory", memoryEach, "--webui-port", "0", "--work-dir",
                    workDir().toString());
            waitFor(log, "Successfully registered with master", timeout);
        }
    }

    private void launch(Path log, String mainClass, String... args) throws IOException {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.add("-Xmx512m");
        cmd.addAll(CliProcess.OPENS);
        cmd.add("-Dspark.authenticate=true");
        cmd.add("-Dspark.network.crypto.enabled=true");
        cmd.add("-cp");
        cmd.add(classpath);
        cmd.add(mainClass);
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile());
        Map<String, String> env = pb.environment();
        env.put("SPARK_HOME", sparkHome.toString());
        env.put("SPARK_SCALA_VERSION", "2.12");
        env.put("SPARK_LOCAL_IP", "127.0.0.1");
        env.put("_SPARK_AUTH_SECRET", secret); // Spark's variable: the secret never appears on a command line
        processes.add(pb.start());
    }

    static void waitFor(Path log, String text, Duration timeout) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (Files.exists(log) && Files.readString(log).contains(text)) {
                return;
            }
            Thread.sleep(250);
        }
        throw new IllegalStateException("'" + text + "' not seen in " + log + " within " + timeout + ":\n"
                + (Files.exists(log) ? Files.readString(log) : "(no log)"));
    }

    /** Executor JVMs the workers have started so far (children of the worker processes). */
    List<ProcessHandle> executors() {
        List<ProcessHandle> out = new ArrayList<>();
        for (int i = 1; i < processes.size(); i++) {
            processes.get(i).toHandle().children().forEach(out::add);
        }
        return out;
    }

    @Override
    public synchronized void close() {
        for (Process p : processes) {
            p.toHandle().descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
        }
        for (Process p : processes) {
            try {
                p.waitFor();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        processes.clear();
    }
}
