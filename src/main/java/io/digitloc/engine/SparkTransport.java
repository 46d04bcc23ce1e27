package io.digitloc.engine;

import org.apache.spark.SparkConf;
import org.apache.spark.SparkEnv;
import org.apache.spark.network.TransportContext;
import org.apache.spark.network.client.TransportClientBootstrap;
import org.apache.spark.network.client.TransportClientFactory;
import org.apache.spark.network.crypto.AuthClientBootstrap;
import org.apache.spark.network.crypto.AuthServerBootstrap;
import org.apache.spark.network.server.RpcHandler;
import org.apache.spark.network.server.TransportServer;
import org.apache.spark.network.server.TransportServerBootstrap;
import org.apache.spark.network.sasl.SecretKeyHolder;
import org.apache.spark.network.util.MapConfigProvider;
import org.apache.spark.network.util.TransportConf;
import scala.Tuple2;

import java.io.Closeable;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A server and a client factory on Spark's own network library ({@code network-common}), secured as
 * Spark secures its block transfers: with {@code spark.authenticate} on, every connection is
 * authenticated with the application's secret (Spark's {@code SecurityManager}), and with
 * {@code spark.network.crypto.enabled} also encrypted (AES); never a plain socket where Spark would not
 * use one. Used by the barrier engine's workers and its driver-side tracker.
 */
final class SparkTransport implements Closeable {
    /** The module name of the settings this transport reads ({@code spark.digitloc.io.*}). */
    static final String MODULE = "digitloc";

    private final TransportContext context;
    private final TransportServer server;
    private final TransportClientFactory clients;

    private SparkTransport(SparkConf spark, String host, RpcHandler handler, SecretKeyHolder keys) {
        TransportConf conf = conf(spark);
        this.context = new TransportContext(conf, handler, false);
        boolean auth = spark.getBoolean("spark.authenticate", false);
        List<TransportServerBootstrap> serverBoot = auth ? List.of(new AuthServerBootstrap(conf, keys)) : List.of();
        List<TransportClientBootstrap> clientBoot = auth
                ? List.of(new AuthClientBootstrap(conf, spark.getAppId(), keys)) : List.of();
        this.server = context.createServer(host, 0, serverBoot);
        this.clients = context.createClientFactory(clientBoot);
    }

    /** A server on {@code host} (any free port) whose messages go to {@code handler}, and a client factory. */
    static SparkTransport open(SparkConf spark, String host, RpcHandler handler) {
        return open(spark, host, handler, SparkEnv.get().securityManager());
    }

    /** As {@link #open(SparkConf, String, RpcHandler)}, with the secret from {@code keys} (tests). */
    static SparkTransport open(SparkConf spark, String host, RpcHandler handler, SecretKeyHolder keys) {
        return new SparkTransport(spark, host, handler, keys);
    }

    int port() {
        return server.getPort();
    }

    TransportClientFactory clients() {
        return clients;
    }

    /** Spark's settings as the transport reads them, with one server and one client thread unless set. */
    static TransportConf conf(SparkConf spark) {
        Map<String, String> map = new HashMap<>();
        for (Tuple2<String, String> e : spark.getAll()) {
            map.put(e._1(), e._2());
        }
        map.putIfAbsent("spark." + MODULE + ".io.serverThreads", "1");
        map.putIfAbsent("spark." + MODULE + ".io.clientThreads", "1");
        return new TransportConf(MODULE, new MapConfigProvider(map));
    }

    @Override
    public void close() {
        clients.close();
        server.close();
        context.close();
    }
}
