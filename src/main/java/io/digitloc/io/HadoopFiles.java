package io.digitloc.io;

import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FileContext;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Options;
import org.apache.hadoop.fs.Path;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.UUID;
import java.util.zip.GZIPInputStream;

/**
 * File operations on any Hadoop filesystem (local, HDFS, S3...), with the atomic-publish rule the
 * whole pipeline follows: write under a hidden temporary name beside the target, then rename.
 * A killed run therefore leaves at most a {@code .name.tmp-*} entry, never a target that looks complete.
 */
public final class HadoopFiles {
    private HadoopFiles() {
    }

    public static FileSystem fs(Path path, HadoopConf conf) {
        try {
            return path.getFileSystem(conf.get());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot reach the filesystem of " + path + ": " + e.getMessage(), e);
        }
    }

    public static boolean exists(Path path, HadoopConf conf) {
        try {
            return fs(path, conf).exists(path);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot check " + path + ": " + e.getMessage(), e);
        }
    }

    /** Opens a file for reading, decompressing it when its name ends in .gz. */
    public static InputStream open(Path path, HadoopConf conf) throws IOException {
        InputStream in = fs(path, conf).open(path);
        if (path.getName().endsWith(".gz")) {
            try {
                return new GZIPInputStream(in, 1 << 16);
            } catch (IOException e) {
                in.close();
                throw new IOException(path + ": not a valid gzip file: " + e.getMessage(), e);
            }
        }
        return in;
    }

    /** SHA-256 of a file's bytes as stored (before any decompression), in lowercase hex. */
    public static String sha256(Path path, HadoopConf conf) {
        try (InputStream in = fs(path, conf).open(path)) {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            byte[] buffer = new byte[1 << 16];
            for (int n; (n = in.read(buffer)) > 0; ) {
                digest.update(buffer, 0, n);
            }
            return HexFormat.of().formatHex(digest.digest());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + path + ": " + e.getMessage(), e);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A fresh hidden sibling of {@code target} to build it in. */
    public static Path tempSibling(Path target) {
        return new Path(target.getParent(), "." + target.getName() + ".tmp-" + UUID.randomUUID());
    }

    /**
     * Writes a small text file atomically: temp sibling, then one rename that replaces the target
     * (POSIX rename locally, HDFS rename with OVERWRITE), so readers see the old or the new content,
     * never none.
     */
    public static void writeString(Path target, String text, HadoopConf conf) {
        FileSystem fs = fs(target, conf);
        Path tmp = tempSibling(target);
        try {
            try (FSDataOutputStream out = fs.create(tmp, false)) {
                out.write(text.getBytes(StandardCharsets.UTF_8));
            }
            renameOver(tmp, target, conf);
        } catch (IOException e) {
            deleteQuietly(fs, tmp);
            throw new UncheckedIOException("cannot write " + target + ": " + e.getMessage(), e);
        }
    }

    /** Renames a file over an existing one in one step where the filesystem allows it. */
    public static void renameOver(Path tmp, Path target, HadoopConf conf) throws IOException {
        FileContext fc = FileContext.getFileContext(target.toUri(), conf.get());
        fc.rename(tmp, target, Options.Rename.OVERWRITE);
    }

    public static String readString(Path path, HadoopConf conf) {
        try (InputStream in = fs(path, conf).open(path)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + path + ": " + e.getMessage(), e);
        }
    }

    /**
     * Moves a finished {@code tmp} (file or directory) to {@code target}. An existing target is
     * first renamed aside and deleted only after the new one is in place, so at every moment the
     * target is either the old complete output or the new complete one (or briefly absent).
     */
    public static void replace(FileSystem fs, Path tmp, Path target) throws IOException {
        Path old = null;
        if (fs.exists(target)) {
            old = new Path(target.getParent(), "." + target.getName() + ".old-" + UUID.randomUUID());
            if (!fs.rename(target, old)) {
                throw new IOException("cannot move the existing " + target + " aside");
            }
        }
        if (!fs.rename(tmp, target)) {
            if (old != null) {
                fs.rename(old, target);
            }
            throw new IOException("cannot rename " + tmp + " to " + target);
        }
        if (old != null) {
            fs.delete(old, true);
        }
    }

    /** Moves a finished {@code tmp} to a {@code target} that must not exist. */
    public static void publishNew(FileSystem fs, Path tmp, Path target) throws IOException {
        if (fs.exists(target)) {
            throw new IOException(target + " appeared while this run was writing; left it alone");
        }
        if (!fs.rename(tmp, target)) {
            throw new IOException("cannot rename " + tmp + " to " + target);
        }
    }

    /**
     * Publishes the finished directory {@code tmp} as {@code target}, then writes the file that marks it
     * complete ({@code marker}, inside it) last. On an object store (s3a) a directory rename is a copy of
     * each file and then a delete, so a reader could meet part of a copy; the marker appears only after
     * everything else is in place. An existing target (when {@code replace}) loses its marker before it
     * is moved aside, so it never looks complete while only part of it is there.
     */
    public static void publishMarked(FileSystem fs, Path tmp, Path target, boolean replace, Marker marker,
                                     HadoopConf conf) throws IOException {
        if (replace) {
            fs.delete(new Path(target, marker.name()), false);
            replace(fs, tmp, target);
        } else {
            publishNew(fs, tmp, target);
        }
        writeString(new Path(target, marker.name()), marker.text(), conf);
    }

    /** A directory's completion marker: a file name inside it and its content. */
    public record Marker(String name, String text) {
    }

    public static void deleteQuietly(FileSystem fs, Path path) {
        try {
            fs.delete(path, true);
        } catch (IOException | RuntimeException ignored) {
            // best effort clean-up of a temporary; the original error matters more
        }
    }

    /** Lists a directory, or an empty array when it does not exist. */
    public static FileStatus[] list(Path dir, HadoopConf conf) {
        try {
            FileSystem fs = fs(dir, conf);
            return fs.exists(dir) ? fs.listStatus(dir) : new FileStatus[0];
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + dir + ": " + e.getMessage(), e);
        }
    }
}
