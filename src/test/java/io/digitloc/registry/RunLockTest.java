package io.digitloc.registry;

import io.digitloc.io.HadoopConf;
import io.digitloc.io.Json;
import org.apache.hadoop.fs.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.assertj.core.api.Assertions.assertThat;

class RunLockTest {
    static final Duration STALE = Duration.ofSeconds(30);
    static final Duration BEAT = Duration.ofSeconds(5);
    @TempDir
    java.nio.file.Path tmp;

    Path registry() {
        return new Path(tmp.toUri());
    }

    @Test
    void oneHolderAtATimeAndReleaseFreesIt() {
        HadoopConf conf = HadoopConf.local();
        Optional<RunLock> first = RunLock.tryAcquire(registry(), conf, STALE, BEAT);
        assertThat(first).isPresent();
        assertThat(RunLock.tryAcquire(registry(), conf, STALE, BEAT)).isEmpty();
        assertThat(RunLock.holder(registry(), conf)).contains(first.get().owner());
        first.get().close();
        assertThat(tmp.resolve("lock")).doesNotExist();
        try (RunLock again = RunLock.tryAcquire(registry(), conf, STALE, BEAT).orElseThrow()) {
            assertThat(again.owner()).isNotEqualTo(first.get().owner());
        }
    }

    @Test
    void aLockLeftByADeadProcessOnThisHostIsTakenOver() throws Exception {
        Process dead = new ProcessBuilder("true").start();
        dead.waitFor();
        RunLock.Owner ghost = new RunLock.Owner("ghost", RunLock.host(), dead.pid(), Instant.now().toString());
        Files.writeString(tmp.resolve("lock"), Json.write(ghost));
        try (RunLock lock = RunLock.tryAcquire(registry(), HadoopConf.local(), STALE, BEAT).orElseThrow()) {
            assertThat(lock.owner().id()).isNotEqualTo("ghost");
        }
    }

    @Test
    void aLockNotRefreshedForTooLongIsTakenOverButAFreshOneIsNot() throws Exception {
        RunLock.Owner other = new RunLock.Owner("elsewhere", "another-host", 1, Instant.now().toString());
        Files.writeString(tmp.resolve("lock"), Json.write(other));
        assertThat(RunLock.tryAcquire(registry(), HadoopConf.local(), STALE, BEAT)).isEmpty();
        tmp.resolve("lock").toFile().setLastModified(System.currentTimeMillis() - 60_000);
        try (RunLock lock = RunLock.tryAcquire(registry(), HadoopConf.local(), STALE, BEAT).orElseThrow()) {
            assertThat(lock.owner().host()).isEqualTo(RunLock.host());
        }
    }

    @Test
    void theHolderKeepsItsLockFreshWithHeartbeats() throws Exception {
        Duration beat = Duration.ofMillis(200);
        try (RunLock lock = RunLock.tryAcquire(registry(), HadoopConf.local(), Duration.ofMillis(900), beat)
                .orElseThrow()) {
            long before = tmp.resolve("lock").toFile().lastModified();
            Thread.sleep(1500);
            assertThat(tmp.resolve("lock").toFile().lastModified()).isGreaterThan(before);
            // so another run still sees it as held
            assertThat(RunLock.tryAcquire(registry(), HadoopConf.local(), Duration.ofMillis(900), beat)).isEmpty();
        }
    }

    @Test
    void racingRunsGetExactlyOneLock() throws Exception {
        int n = 8;
        ExecutorService pool = Executors.newFixedThreadPool(n);
        CountDownLatch start = new CountDownLatch(1);
        List<Future<Optional<RunLock>>> results = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            results.add(pool.submit(() -> {
                start.await();
                return RunLock.tryAcquire(registry(), HadoopConf.local(), STALE, BEAT);
            }));
        }
        start.countDown();
        List<RunLock> held = new ArrayList<>();
        for (Future<Optional<RunLock>> f : results) {
            f.get().ifPresent(held::add);
        }
        pool.shutdown();
        assertThat(held).hasSize(1);
        held.forEach(RunLock::close); // only once every run has tried: a lock freed early could be taken again
    }

    @Test
    void closingTheLockEndsItsHeartbeatThread() throws Exception {
        RunLock lock = RunLock.tryAcquire(registry(), HadoopConf.local(), STALE, Duration.ofMillis(100)).orElseThrow();
        assertThat(heartbeatAlive(lock)).isTrue();
        lock.close();
        assertThat(lock.awaitHeartbeatEnd(Duration.ofSeconds(5))).isTrue();
        assertThat(heartbeatAlive(lock)).isFalse();
    }

    /** A lock never closed whose file is removed (its registry deleted) stops refreshing it by itself. */
    @Test
    void aLockWhoseFileIsGoneStopsItsHeartbeat() throws Exception {
        RunLock lock = RunLock.tryAcquire(registry(), HadoopConf.local(), STALE, Duration.ofMillis(100)).orElseThrow();
        Files.delete(tmp.resolve("lock"));
        assertThat(lock.awaitHeartbeatEnd(Duration.ofSeconds(5))).isTrue();
        assertThat(heartbeatAlive(lock)).isFalse();
        assertThat(tmp.resolve("lock")).doesNotExist();
    }

    /** A lock taken over by another run (this one judged stale) stops touching the new holder's file. */
    @Test
    void aLockTakenOverStopsItsHeartbeat() throws Exception {
        RunLock lock = RunLock.tryAcquire(registry(), HadoopConf.local(), STALE, Duration.ofMillis(100)).orElseThrow();
        RunLock.Owner other = new RunLock.Owner("elsewhere", "another-host", 1, Instant.now().toString());
        Files.writeString(tmp.resolve("lock"), Json.write(other));
        assertThat(lock.awaitHeartbeatEnd(Duration.ofSeconds(5))).isTrue();
        lock.close();
        assertThat(RunLock.holder(registry(), HadoopConf.local())).contains(other);
    }

    private static boolean heartbeatAlive(RunLock lock) {
        String name = RunLock.heartbeatThreadName(lock.owner());
        return Thread.getAllStackTraces().keySet().stream().anyMatch(t -> t.getName().equals(name) && t.isAlive());
    }
}
