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
 * Every wait has a deadline, gives up as soon as the connection to the awaited peer drops (its JVM
 * died) and when Spark kills the task, so a lost peer fails the stage at once rather than hanging it.
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

    private final SparkTransport transport;
    private TransportClient[] peers;
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
        return receive(from, tag, true);
    }

    /**
     * @param live whether a closed connection to the peer fails the wait (a peer's JVM died); not while
     *             saying goodbye, when a peer that has closed has already delivered everything
     */
    private float[] receive(int from, int tag, boolean live) throws TimeoutException, InterruptedException {
        long key = key(tag, from);
        long deadline = System.nanoTime() + timeoutNanos;
        synchronized (mailbox) {
            while (!mailbox.containsKey(key)) {
                if (!peers[from].isActive()) {
                    if (!live) {
                        return new float[1];
                    }
                    throw new IllegalStateException("worker " + self + ": the connection to worker " + from
                            + " closed while waiting for its part of an average (its executor was lost?)");
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
     * Sends {@code message} to the driver's tracker through {@code client} and waits for its answer, as
     * long as the exchange's timeout and no longer than the task lives.
     */
    ByteBuffer ask(TransportClient client, ByteBuffer message) throws Exception {
        java.util.concurrent.CompletableFuture<ByteBuffer> answer = new java.util.concurrent.CompletableFuture<>();
        client.sendRpc(message, new RpcResponseCallback() {
            @Override
            public void onSuccess(ByteBuffer response) {
                ByteBuffer copy = ByteBuffer.allocate(response.remaining());
                copy.put(response).flip();
                answer.complete(copy);
            }

            @Override
            public void onFailure(Throwable e) {
                answer.completeExceptionally(e);
            }
        });
        long deadline = System.nanoTime() + timeoutNanos;
        while (true) {
            try {
                return answer.get(100, java.util.concurrent.TimeUnit.MILLISECONDS);
            } catch (TimeoutException e) {
                if (killed.getAsBoolean()) {
                    throw new InterruptedException("worker " + self + ": the task was killed");
                }
                if (System.nanoTime() > deadline) {
                    throw new TimeoutException("worker " + self + ": no answer from the driver within "
                            + timeoutNanos / 1_000_000_000L + " s (digitloc.train.exchange-timeout)");
                }
            } catch (java.util.concurrent.ExecutionException e) {
                throw new IllegalStateException("worker " + self + ": the driver's tracker failed: " + e.getCause(), e);
            }
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
                receive(j, BYE, false);
            }
        }
    }

    @Override
    public void close() {
        transport.close();
    }

    private static long key(int tag, int from) {
        return ((long) tag << 20) | from;
    }

    /** Peers' messages into the mailbox. */
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
    }
}
