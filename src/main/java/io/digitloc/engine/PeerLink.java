package io.digitloc.engine;

import io.digitloc.rounds.SliceAllReduce;
import org.apache.spark.SparkConf;
import org.apache.spark.network.client.RpcResponseCallback;
import org.apache.spark.network.client.TransportClient;
import org.apache.spark.network.server.OneForOneStreamManager;
import org.apache.spark.network.server.RpcHandler;
import org.apache.spark.network.server.StreamManager;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeoutException;
import java.util.function.BooleanSupplier;

/**
 * One barrier worker's links to its peers: a server that takes their messages into a mailbox, and a
 * client to each of them, on {@link SparkTransport}. A message is a tag, its sender, a head and floats.
 * Every wait has a deadline, gives up as soon as an inbound connection drops (a peer's JVM died) and
 * when Spark kills the task, so a lost peer fails the stage at once rather than hanging it.
 */
final class PeerLink implements SliceAllReduce.Peers, AutoCloseable {
    /** The tag of the last message of a stage: after it, every earlier message of its sender has arrived. */
    static final int BYE = Integer.MAX_VALUE;
    private static final int HEADER = 12;

    private final int self;
    private final int size;
    private final long timeoutNanos;
    private final BooleanSupplier killed;
    private final Map<Long, float[]> mailbox = new HashMap<>();
    /** Inbound connections by the worker they come from, and the workers that said {@link #BYE}. */
    private final Map<TransportClient, Integer> senders = new java.util.IdentityHashMap<>();
    private final java.util.Set<Integer> done = new java.util.HashSet<>();
    private final SparkTransport transport;
    private TransportClient[] peers;
    private volatile String lost;
    private volatile boolean closing;
    private long bytesOut;

    PeerLink(int self, int size, SparkConf spark, String host, int timeoutSeconds, BooleanSupplier killed) {
        this(self, size, timeoutSeconds, killed, inbox -> SparkTransport.open(spark, host, inbox));
    }

    /** @param transport opens the link's transport around its inbox */
    PeerLink(int self, int size, int timeoutSeconds, BooleanSupplier killed,
             java.util.function.Function<RpcHandler, SparkTransport> transport) {
        this.self = self;
        this.size = size;
        this.timeoutNanos = timeoutSeconds * 1_000_000_000L;
        this.killed = killed;
        this.transport = transport.apply(new Inbox());
    }

    int port() {
        return transport.port();
    }

    /** Connects to every other worker ({@code addresses} by worker index). */
    void connect(List<InetSocketAddress> addresses) throws IOException, InterruptedException {
        peers = new TransportClient[size];
        for (int j = 0; j < size; j++) {
            if (j != self) {
                InetSocketAddress a = addresses.get(j);
                peers[j] = transport.clients().createClient(a.getHostString(), a.getPort());
            }
        }
    }

    /** A client to {@code host:port} (the driver's tracker) on this link's transport. */
    TransportClient client(String host, int port) throws IOException, InterruptedException {
        return transport.clients().createClient(host, port);
    }

    @Override
    public int self() {
        return self;
    }

    @Override
    public int size() {
        return size;
    }

    /** Bytes this worker has sent so far (framing included). */
    long bytesOut() {
        return bytesOut;
    }

    @Override
    public void send(int to, int tag, float head, float[] values, int from, int length) {
        ByteBuffer b = ByteBuffer.allocate(HEADER + 4 * length).order(ByteOrder.LITTLE_ENDIAN);
        b.putInt(tag).putInt(self).putFloat(head);
        b.asFloatBuffer().put(values, from, length);
        b.rewind();
        bytesOut += b.remaining();
        peers[to].send(b);
    }

    @Override
    public float[] receive(int from, int tag) throws TimeoutException, InterruptedException {
        long key = key(tag, from);
        long deadline = System.nanoTime() + timeoutNanos;
        synchronized (mailbox) {
            while (!mailbox.containsKey(key)) {
                if (lost != null) {
                    throw new IllegalStateException("worker " + self + ": a peer's connection closed (" + lost
                            + ") while waiting for worker " + from + "'s part of an average");
                }
                if (killed.getAsBoolean()) {
                    throw new InterruptedException("worker " + self + ": the task was killed");
                }
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    throw new TimeoutException("worker " + self + ": no part of the average from worker " + from
                            + " within " + timeoutNanos / 1_000_000_000L + " s (digitloc.train.exchange-timeout)");
                }
                mailbox.wait(Math.max(1, Math.min(100, left / 1_000_000)));
            }
            return mailbox.remove(key);
        }
    }

    /**
     * Tells every peer this worker is done and waits for theirs: afterwards each peer has every message
     * this worker sent (one connection delivers in order), so closing loses nothing.
     */
    void bye() throws TimeoutException, InterruptedException {
        for (int j = 0; j < size; j++) {
            if (j != self) {
                send(j, BYE, 0, new float[0], 0, 0);
            }
        }
        for (int j = 0; j < size; j++) {
            if (j != self) {
                receive(j, BYE);
            }
        }
        closing = true;
    }

    @Override
    public void close() {
        closing = true;
        transport.close();
    }

    private static long key(int tag, int from) {
        return ((long) tag << 20) | from;
    }

    /** Peers' messages into the mailbox; a dropped inbound connection marks the link lost. */
    private final class Inbox extends RpcHandler {
        private final StreamManager streams = new OneForOneStreamManager();

        @Override
        public void receive(TransportClient client, ByteBuffer message) {
            ByteBuffer m = message.order(ByteOrder.LITTLE_ENDIAN);
            int tag = m.getInt();
            int from = m.getInt();
            float head = m.getFloat();
            float[] values = new float[1 + m.remaining() / 4];
            values[0] = head;
            m.asFloatBuffer().get(values, 1, values.length - 1);
            synchronized (mailbox) {
                senders.put(client, from);
                if (tag == BYE) {
                    done.add(from);
                }
                mailbox.put(key(tag, from), values);
                mailbox.notifyAll();
            }
        }

        @Override
        public void receive(TransportClient client, ByteBuffer message, RpcResponseCallback callback) {
            receive(client, message);
            callback.onSuccess(ByteBuffer.allocate(0));
        }

        @Override
        public StreamManager getStreamManager() {
            return streams;
        }

        @Override
        public void channelInactive(TransportClient client) {
            synchronized (mailbox) {
                Integer from = senders.remove(client);
                if (!closing && (from == null || !done.contains(from))) {
                    lost = (from == null ? "a peer" : "worker " + from) + " at " + client.getSocketAddress();
                    mailbox.notifyAll();
                }
            }
        }
    }
}
