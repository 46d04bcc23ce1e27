package io.digitloc.registry;

import io.digitloc.io.HadoopConf;
import io.digitloc.io.HadoopFiles;
import io.digitloc.io.Json;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * One run at a time per registry: the lock is the file {@code <registry>/lock}, created in one atomic
 * step (a hard link locally, a non-overwriting rename on HDFS), holding its owner (run id, host, pid).
 * The holder touches it every heartbeat; a lock not touched for {@code staleAfter}, or whose owner is
 * a dead process on this host, belongs to a killed run and is taken over. Takeovers are serialised
 * by a second lock ({@code lock.takeover}) so two runs cannot both take over the same stale lock.
 * Works on a local or NFS path and on HDFS; elsewhere (S3...) {@link #hasAtomicCreate} is false and the
 * lock refuses to be made.
 *
 * <p>The heartbeat stops when the lock is closed, and by itself when the lock file is gone or names
 * another owner (the lock was removed or taken over): a lock never closed leaves no thread refreshing
 * a file that is not there.
 */
public final class RunLock implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(RunLock.class);
    static final String LOCK = "lock";

    /** Who holds a lock. */
    public record Owner(String id, String host, long pid, String since) {
    }

    private final Path path;
    private final HadoopConf conf;
    private final Owner owner;
    private final ScheduledExecutorService heartbeat;

    private RunLock(Path path, HadoopConf conf, Owner owner, Duration every) {
        this.path = path;
        this.conf = conf;
        this.owner = owner;
        this.heartbeat = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, heartbeatThreadName(owner));
            t.setDaemon(true);
            return t;
        });
        long ms = every.toMillis();
        heartbeat.scheduleAtFixedRate(this::touch, ms, ms, TimeUnit.MILLISECONDS);
    }

    public Owner owner() {
        return owner;
    }

    /** The name of the thread that refreshes the lock of this owner. */
    static String heartbeatThreadName(Owner owner) {
        return "registry-lock-heartbeat-" + owner.id();
    }

    /** Waits up to {@code timeout} for the heartbeat's thread to end; true when it has. */
    boolean awaitHeartbeatEnd(Duration timeout) throws InterruptedException {
        return heartbeat.awaitTermination(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    /**
     * Whether the lock can be created atomically on {@code registry}'s filesystem: a hard link on the local
     * disk (NFS included), a non-overwriting rename on HDFS. Object stores (s3a: rename is copy then delete,
     * and create-without-overwrite checks, then writes) and filesystems not known here cannot.
     */
    public static boolean hasAtomicCreate(Path registry, HadoopConf conf) {
        String scheme = scheme(registry, conf);
        return "file".equals(scheme) || "hdfs".equals(scheme);
    }

    /** The scheme of {@code path}'s filesystem (the default one's, for a path that names none). */
    public static String scheme(Path path, HadoopConf conf) {
        String named = path.toUri().getScheme(); // no filesystem made (nor a store reached) when the path names one
        return named != null ? named : HadoopFiles.fs(path, conf).getUri().getScheme();
    }

    /** The lock, or empty when a live run holds it. Stale locks are taken over. */
    public static Optional<RunLock> tryAcquire(Path registry, HadoopConf conf, Duration staleAfter, Duration heartbeat) {
        Path lock = new Path(registry, LOCK);
        Owner me = new Owner(UUID.randomUUID().toString(), host(), ProcessHandle.current().pid(), Instant.now().toString());
        if (create(lock, me, conf)) {
            return Optional.of(new RunLock(lock, conf, me, heartbeat));
        }
        Optional<Owner> holder = read(lock, conf);
        if (isStale(lock, holder, conf, staleAfter) && takeOver(registry, lock, holder, conf, staleAfter)
                && create(lock, me, conf)) {
            LOG.warn("registry: took over the stale lock of {}", holder.map(Owner::toString).orElse("an unknown run"));
            return Optional.of(new RunLock(lock, conf, me, heartbeat));
        }
        return Optional.empty();
    }

    /** Waits up to {@code timeout} for the lock (polling), or empty. */
    public static Optional<RunLock> acquire(Path registry, HadoopConf conf, Duration staleAfter, Duration heartbeat,
                                            Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            Optional<RunLock> lock = tryAcquire(registry, conf, staleAfter, heartbeat);
            if (lock.isPresent() || System.nanoTime() >= deadline) {
                return lock;
            }
            Thread.sleep(Math.min(5_000, Math.max(100, heartbeat.toMillis() / 2)));
        }
    }

    /** The current holder, if any (for messages). */
    public static Optional<Owner> holder(Path registry, HadoopConf conf) {
        return read(new Path(registry, LOCK), conf);
    }

    static boolean create(Path lock, Owner owner, HadoopConf conf) {
        if (!hasAtomicCreate(lock, conf)) {
            throw new UnsupportedOperationException("no atomic create on the filesystem of " + lock);
        }
        FileSystem fs = HadoopFiles.fs(lock, conf);
        Path tmp = HadoopFiles.tempSibling(lock);
        try {
            fs.mkdirs(lock.getParent());
            try (FSDataOutputStream out = fs.create(tmp, true)) {
                out.write(Json.write(owner).getBytes(StandardCharsets.UTF_8));
            }
            if ("file".equals(fs.getUri().getScheme())) {
                // a hard link is created atomically and fails when the name exists
                java.nio.file.Files.createLink(java.nio.file.Path.of(lock.toUri().getPath()),
                        java.nio.file.Path.of(fs.makeQualified(tmp).toUri().getPath()));
                return true;
            }
            return fs.rename(tmp, lock); // HDFS: fails when the destination exists
        } catch (java.nio.file.FileAlreadyExistsException e) {
            return false;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the registry lock " + lock + ": " + e.getMessage(), e);
        } finally {
            HadoopFiles.deleteQuietly(fs, tmp);
        }
    }

    static Optional<Owner> read(Path lock, HadoopConf conf) {
        try {
            if (!HadoopFiles.exists(lock, conf)) {
                return Optional.empty();
            }
            return Optional.of(Json.read(HadoopFiles.readString(lock, conf), Owner.class, lock.toString()));
        } catch (RuntimeException e) {
            return Optional.empty();
        }
    }

    private static boolean isStale(Path lock, Optional<Owner> holder, HadoopConf conf, Duration staleAfter) {
        try {
            FileStatus st = HadoopFiles.fs(lock, conf).getFileStatus(lock);
            long age = System.currentTimeMillis() - st.getModificationTime();
            if (age > staleAfter.toMillis()) {
                return true;
            }
        } catch (IOException e) {
            return false; // vanished meanwhile: the next attempt creates it
        }
        // a holder on this host whose process is gone died without releasing the lock
        return holder.isPresent() && holder.get().host().equals(host())
                && ProcessHandle.of(holder.get().pid()).map(p -> !p.isAlive()).orElse(true);
    }

    private static boolean takeOver(Path registry, Path lock, Optional<Owner> expected, HadoopConf conf,
                                    Duration staleAfter) {
        Path takeover = new Path(registry, LOCK + ".takeover");
        Owner me = new Owner(UUID.randomUUID().toString(), host(), ProcessHandle.current().pid(), Instant.now().toString());
        if (!create(takeover, me, conf)) {
            Optional<Owner> other = read(takeover, conf);
            if (isStale(takeover, other, conf, staleAfter)) {
                HadoopFiles.deleteQuietly(HadoopFiles.fs(takeover, conf), takeover);
            }
            return false;
        }
        try {
            // still the lock we judged stale? (another run may have taken over and locked meanwhile)
            if (!read(lock, conf).equals(expected)) {
                return false;
            }
            HadoopFiles.fs(lock, conf).delete(lock, false);
            return true;
        } catch (IOException e) {
            return false;
        } finally {
            HadoopFiles.deleteQuietly(HadoopFiles.fs(takeover, conf), takeover);
        }
    }

    private void touch() {
        try {
            String lost = lost();
            if (lost != null) {
                LOG.warn("registry: the lock {} {}; its heartbeat stops", path, lost);
                heartbeat.shutdown();
                return;
            }
            HadoopFiles.fs(path, conf).setTimes(path, System.currentTimeMillis(), -1);
        } catch (IOException | RuntimeException e) {
            LOG.warn("registry: cannot refresh the lock {}: {}", path, e.getMessage());
        }
    }

    /** Why this lock is no longer ours (the file is gone, or names another owner), or null while it is. */
    private String lost() {
        if (!HadoopFiles.exists(path, conf)) {
            return "is gone";
        }
        Optional<Owner> holder = read(path, conf);
        return holder.isPresent() && !holder.get().id().equals(owner.id()) ? "now belongs to " + holder.get() : null;
    }

    /** Releases the lock if it is still ours. */
    @Override
    public void close() {
        heartbeat.shutdownNow();
        if (read(path, conf).map(o -> o.id().equals(owner.id())).orElse(false)) {
            HadoopFiles.deleteQuietly(HadoopFiles.fs(path, conf), path);
        }
    }

    static String host() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (IOException e) {
            return "unknown";
        }
    }
}
