package io.digitloc.io;

import org.apache.hadoop.fs.Path;

/**
 * Paths as the driver means them, made explicit before tasks on other JVMs see them: an executor runs
 * in a working directory of its own, so a relative path there names another place. As Spark's own
 * readers do, a path is qualified against its filesystem (the default one when it names none) and, for
 * the local disk, the driver's working directory.
 */
public final class DriverPaths {
    private DriverPaths() {
    }

    /**
     * {@code value} with its filesystem's scheme and authority and, when relative, the working directory.
     * A path that names its scheme is taken as it is (every node resolves it alike).
     */
    public static String qualify(String value, HadoopConf conf) {
        Path path = new Path(value);
        if (path.toUri().getScheme() != null && path.isAbsolute()) {
            return value;
        }
        return HadoopFiles.fs(path, conf).makeQualified(path).toString();
    }

    /** Whether a qualified path is on the local disk of the JVM that opens it ({@code file:}). */
    public static boolean onLocalDisk(String qualified) {
        return "file".equals(new Path(qualified).toUri().getScheme());
    }
}
