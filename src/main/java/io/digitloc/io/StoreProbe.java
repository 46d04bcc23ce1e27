package io.digitloc.io;

import org.apache.hadoop.fs.Path;

import java.io.IOException;
import java.net.ConnectException;
import java.net.SocketTimeoutException;
import java.nio.file.AccessDeniedException;
import java.util.Locale;
import java.util.Optional;

/**
 * Reaches the filesystem of a path once, on the driver, before a job writes anything: a bucket that does
 * not exist, refused credentials or an endpoint that does not answer then fail at once with one message
 * naming the path, rather than inside a Spark task after every retry, with parts of an output written.
 * The connector's own retries still apply; the message says how long they took and which settings bound them.
 */
public final class StoreProbe {
    private StoreProbe() {
    }

    /** Empty when {@code path}'s filesystem answers (the path itself need not exist), else why not. */
    public static Optional<String> problem(Path path, HadoopConf conf) {
        long start = System.nanoTime();
        try {
            HadoopFiles.fs(path, conf).exists(path);
            return Optional.empty();
        } catch (IOException | RuntimeException e) {
            double seconds = (System.nanoTime() - start) / 1e9;
            String scheme = path.toUri().getScheme();
            return Optional.of(String.format(Locale.ROOT, "cannot reach %s (after %.1f s): %s%s", path, seconds,
                    firstLine(e), "s3a".equals(scheme) ? s3aHint(e, conf) : ""));
        }
    }

    /** What to check, by the kind of failure S3A reports; the names of the settings that decide it. */
    static String s3aHint(Throwable e, HadoopConf conf) {
        if (has(e, AccessDeniedException.class)) {
            return "; the store refused the credentials: check fs.s3a.access.key and fs.s3a.secret.key, "
                    + "AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or fs.s3a.aws.credentials.provider";
        }
        if (hasNamed(e, "UnknownStoreException")) {
            return "; the bucket does not exist at " + endpoint(conf) + " (fs.s3a.endpoint): create it or fix the path";
        }
        if (has(e, ConnectException.class) || has(e, SocketTimeoutException.class) || hasNamed(e, "ConnectTimeoutException")
                || String.valueOf(e.getMessage()).contains("Unable to execute HTTP request")) {
            return "; nothing answered at " + endpoint(conf) + " (fs.s3a.endpoint); the connector retried as "
                    + "fs.s3a.attempts.maximum = " + conf.get().get("fs.s3a.attempts.maximum", "its default")
                    + " and fs.s3a.retry.limit = " + conf.get().get("fs.s3a.retry.limit", "its default") + " allow";
        }
        return "";
    }

    private static String endpoint(HadoopConf conf) {
        String endpoint = conf.get().getTrimmed("fs.s3a.endpoint", "");
        return endpoint.isEmpty() ? "AWS S3" : endpoint;
    }

    private static boolean has(Throwable e, Class<? extends Throwable> kind) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (kind.isInstance(t)) {
                return true;
            }
        }
        return false;
    }

    private static boolean hasNamed(Throwable e, String simpleName) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t.getClass().getSimpleName().equals(simpleName)) {
                return true;
            }
        }
        return false;
    }

    private static String firstLine(Throwable e) {
        String message = e.getMessage() == null ? e.toString() : e.getMessage();
        int newline = message.indexOf('\n');
        return newline < 0 ? message : message.substring(0, newline);
    }
}
