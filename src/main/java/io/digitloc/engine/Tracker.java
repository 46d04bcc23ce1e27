package io.digitloc.engine;

import io.digitloc.rounds.FlatState;
import org.apache.spark.SparkConf;
import org.apache.spark.network.client.RpcResponseCallback;
import org.apache.spark.network.client.TransportClient;
import org.apache.spark.network.server.OneForOneStreamManager;
import org.apache.spark.network.server.RpcHandler;
import org.apache.spark.network.server.StreamManager;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * The driver's end of a barrier stage (XGBoost's tracker): the workers meet here once per stage
 * attempt (each says where its server listens and hears every worker's address and where to start),
 * and the first worker sends the average here every few rounds, without waiting, and the stage's last
 * one, acknowledged. A retried attempt starts from the latest average held here, so a failure loses
 * at most the rounds since it.
 */
final class Tracker implements AutoCloseable {
    /**
     * Where a worker starts: after {@code round} rounds of the stage, from {@code state}, with the outer
     * step's velocity (null: none yet, or no outer momentum).
     */
    record Checkpoint(int round, FlatState state, double score, float[] velocity) implements Serializable {
    }

    /**
     * A worker's greeting: its stage attempt, index and server address, and the fingerprint of the state
     * its kept network holds (0: none known).
     */
    record Hello(int attempt, int worker, String host, int port, long holds) implements Serializable {
    }

    /**
     * The answer once every worker of the attempt has said hello: the peers and where to start. When
     * {@code held}, the worker's network already holds the start's state, which is left out of
     * {@code start} (its state is null).
     */
    record Rendezvous(List<InetSocketAddress> peers, Checkpoint start, boolean held) implements Serializable {
    }

    private final int workers;
    private final SparkTransport transport;
    private final Map<Integer, Pending> attempts = new HashMap<>();
    private final Consumer<Checkpoint> onCheckpoint;
    private volatile Checkpoint latest;

    /** Hellos of one attempt, answered together. */
    private static final class Pending {
        final InetSocketAddress[] peers;
        final List<RpcResponseCallback> waiting = new ArrayList<>();
        final List<Long> holds = new ArrayList<>();
        int arrived;

        Pending(int workers) {
            peers = new InetSocketAddress[workers];
        }
    }

    /**
     * @param onCheckpoint told of each average the first worker sends (on a network thread)
     */
    Tracker(SparkConf spark, String host, int workers, Checkpoint start, Consumer<Checkpoint> onCheckpoint) {
        this.workers = workers;
        this.latest = start;
        this.onCheckpoint = onCheckpoint;
        this.transport = SparkTransport.open(spark, host, new Handler());
    }

    int port() {
        return transport.port();
    }

    /** The latest average the workers sent, or the stage's start. */
    Checkpoint latest() {
        return latest;
    }

    @Override
    public void close() {
        transport.close();
    }

    private final class Handler extends RpcHandler {
        private final StreamManager streams = new OneForOneStreamManager();

        @Override
        public void receive(TransportClient client, ByteBuffer message, RpcResponseCallback callback) {
            Object m = read(message);
            if (m instanceof Checkpoint c) { // the stage's last average, acknowledged
                checkpoint(c);
                callback.onSuccess(ByteBuffer.allocate(0));
                return;
            }
            Hello h = (Hello) m;
            Pending done = null;
            synchronized (attempts) {
                Pending p = attempts.computeIfAbsent(h.attempt(), a -> new Pending(workers));
                if (p.peers[h.worker()] == null) {
                    p.arrived++;
                }
                p.peers[h.worker()] = new InetSocketAddress(h.host(), h.port());
                p.waiting.add(callback);
                p.holds.add(h.holds());
                if (p.arrived == workers) {
                    done = p;
                    attempts.remove(h.attempt());
                }
            }
            if (done != null) {
                answer(done, latest);
            }
        }

        /** The state to the workers that do not hold it already; the rest hear only the peers and the counts. */
        private void answer(Pending p, Checkpoint start) {
            long fingerprint = start.state().fingerprint();
            List<InetSocketAddress> peers = List.of(p.peers);
            ByteBuffer full = null;
            ByteBuffer held = null;
            for (int i = 0; i < p.waiting.size(); i++) {
                ByteBuffer bytes;
                if (p.holds.get(i) == fingerprint) {
                    held = held != null ? held : write(new Rendezvous(peers,
                            new Checkpoint(start.round(), null, start.score(), start.velocity()), true));
                    bytes = held;
                } else {
                    full = full != null ? full : write(new Rendezvous(peers, start, false));
                    bytes = full;
                }
                p.waiting.get(i).onSuccess(bytes.duplicate());
            }
        }

        @Override
        public void receive(TransportClient client, ByteBuffer message) {
            checkpoint((Checkpoint) read(message));
        }

        private void checkpoint(Checkpoint c) {
            if (c.round() > latest.round()) {
                latest = c;
                onCheckpoint.accept(c);
            }
        }

        @Override
        public StreamManager getStreamManager() {
            return streams;
        }
    }

    static ByteBuffer write(Serializable o) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(o);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return ByteBuffer.wrap(bytes.toByteArray());
    }

    static Object read(ByteBuffer b) {
        byte[] a = new byte[b.remaining()];
        b.get(a);
        try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(a))) {
            return in.readObject();
        } catch (IOException | ClassNotFoundException e) {
            throw new IllegalStateException("unreadable barrier-engine message: " + e, e);
        }
    }
}
