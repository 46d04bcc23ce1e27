package io.digitloc.testing;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * s3proxy 2.4.1 (an S3-compatible server, its filesystem backend in a directory of the test's) as a process
 * of its own on 127.0.0.1, started from the jars the build lists in target/s3proxy-classpath.txt
 * (scripts/s3proxy/pom.xml). A bucket is a directory of that backend.
 */
public final class S3Server implements AutoCloseable {
    /** The test credentials: the server's only identity. */
    public static final String ACCESS_KEY = "digitloc-test-access";
    public static final String SECRET_KEY = "digitloc-test-secret";

    private final Process process;
    private final Path blobs;
    private final int port;

    private S3Server(Process process, Path blobs, int port) {
        this.process = process;
        this.blobs = blobs;
        this.port = port;
    }

    public static S3Server start(Path dir) throws IOException, InterruptedException {
        String classpath = Files.readString(Path.of("target", "s3proxy-classpath.txt")).trim();
        int port = freePort();
        Path blobs = Files.createDirectories(dir.resolve("blobs"));
        Path props = dir.resolve("s3proxy.properties");
        Files.writeString(props, String.join("\n",
                "s3proxy.endpoint=http://127.0.0.1:" + port,
                "s3proxy.authorization=aws-v2-or-v4",
                "s3proxy.identity=" + ACCESS_KEY,
                "s3proxy.credential=" + SECRET_KEY,
                "jclouds.provider=filesystem",
                "jclouds.filesystem.basedir=" + blobs));
        // without a configuration logback logs every request at DEBUG, which slows the server many times over
        Path logback = dir.resolve("logback.xml");
        Files.writeString(logback, "<configuration><appender name=\"out\" class=\"ch.qos.logback.core.ConsoleAppender\">"
                + "<encoder><pattern>%d %-5level %logger %msg%n</pattern></encoder></appender>"
                + "<root level=\"WARN\"><appender-ref ref=\"out\"/></root></configuration>");
        Path log = dir.resolve("s3proxy.log");
        Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx256m", "-Dlogback.configurationFile=" + logback, "-cp", classpath, "org.gaul.s3proxy.Main", "--properties", props.toString())
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        S3Server server = new S3Server(p, blobs, port);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!server.answers()) {
            if (!p.isAlive() || System.nanoTime() > deadline) {
                server.close();
                throw new IllegalStateException("s3proxy did not start: " + Files.readString(log));
            }
            Thread.sleep(200);
        }
        return server;
    }

    /** A new, empty bucket. */
    public void createBucket(String name) throws IOException {
        Files.createDirectories(blobs.resolve(name));
    }

    /** The keys of a bucket's objects, read from the backend's directory (not through S3). */
    public java.util.List<String> objects(String bucket) throws IOException {
        Path dir = blobs.resolve(bucket);
        try (var files = Files.walk(dir)) {
            return files.filter(Files::isRegularFile).map(f -> dir.relativize(f).toString()).toList();
        }
    }

    public String endpoint() {
        return "http://127.0.0.1:" + port;
    }

    /**
     * The S3A settings that reach this server with {@code accessKey}/{@code secretKey}: path-style requests
     * over plain HTTP, and few, short retries so that a failure shows in seconds.
     */
    public Map<String, String> s3aSettings(String endpoint, String accessKey, String secretKey) {
        Map<String, String> s = new LinkedHashMap<>();
        s.put("fs.s3a.endpoint", endpoint);
        s.put("fs.s3a.endpoint.region", "us-east-1");
        s.put("fs.s3a.path.style.access", "true");
        s.put("fs.s3a.connection.ssl.enabled", "false");
        s.put("fs.s3a.access.key", accessKey);
        s.put("fs.s3a.secret.key", secretKey);
        s.put("fs.s3a.attempts.maximum", "2");
        s.put("fs.s3a.retry.limit", "2");
        s.put("fs.s3a.retry.interval", "100ms");
        s.put("fs.s3a.connection.establish.timeout", "2000");
        s.put("fs.s3a.connection.timeout", "30000");
        // no deleting of the parent "directory" markers after each write, which against this server made
        // every file the committer completed wait seconds (Hadoop 3.3.1 and later read kept markers right)
        s.put("fs.s3a.directory.marker.retention", "keep");
        return s;
    }

    public Map<String, String> s3aSettings() {
        return s3aSettings(endpoint(), ACCESS_KEY, SECRET_KEY);
    }

    /**
     * The Spark properties a driver needs for this server at {@code endpoint} ({@link #endpoint()}, or a relay
     * in front of it): the S3A settings as {@code spark.hadoop.*}, the committer's local directories under
     * {@code tmp}, and conf/spark/s3a.conf, as scripts/digitloc passes them (each line a -D flag).
     */
    public Map<String, String> sparkProperties(String endpoint, Path tmp) throws IOException {
        Map<String, String> p = new LinkedHashMap<>();
        s3aSettings(endpoint, ACCESS_KEY, SECRET_KEY).forEach((k, v) -> p.put("spark.hadoop." + k, v));
        p.put("spark.hadoop.fs.s3a.committer.staging.tmp.path", tmp.resolve("staging").toUri().toString());
        p.put("spark.hadoop.fs.s3a.buffer.dir", tmp.resolve("buffer").toString());
        for (String line : Files.readAllLines(Path.of("conf", "spark", "s3a.conf"))) {
            String[] kv = line.trim().split("\\s+", 2);
            if (kv.length == 2 && !kv[0].startsWith("#")) {
                p.put(kv[0], kv[1]);
            }
        }
        return p;
    }

    /** {@link #sparkProperties} as -D flags for a child JVM. */
    public java.util.List<String> javaOptions(String endpoint, Path tmp) throws IOException {
        return sparkProperties(endpoint, tmp).entrySet().stream().map(e -> "-D" + e.getKey() + "=" + e.getValue()).toList();
    }

    /** The port the server listens on. */
    public int port() {
        return port;
    }

    private boolean answers() {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 500);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /** A port nothing listens on (taken and released: another process could take it meanwhile, rarely). */
    public static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
    }
}
