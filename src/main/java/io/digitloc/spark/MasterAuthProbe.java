package io.digitloc.spark;

import io.digitloc.config.SettingsException;
import org.apache.spark.SparkConf;
import org.apache.spark.network.TransportContext;
import org.apache.spark.network.client.TransportClient;
import org.apache.spark.network.client.TransportClientFactory;
import org.apache.spark.network.crypto.AuthClientBootstrap;
import org.apache.spark.network.sasl.SecretKeyHolder;
import org.apache.spark.network.server.NoOpRpcHandler;
import org.apache.spark.network.util.MapConfigProvider;
import org.apache.spark.network.util.TransportConf;
import scala.Tuple2;

import java.io.IOException;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Authenticates once to each standalone master before the Spark context is made, as the context's own
 * connection would (Spark's transport, its authentication bootstrap, the driver's secret). A master that
 * refuses the secret would otherwise be retried for about 60 s by the context (three registration attempts
 * of 20 s), which then fails with "LiveListenerBus is stopped", naming neither the secret nor the master.
 * A master that cannot be reached is left to Spark, which reports it.
 */
final class MasterAuthProbe {
    /** Bounds the probe's connection and its authentication round trip. */
    static final int TIMEOUT_SECONDS = 10;
    /** The user name Spark's RPC authenticates as (SecurityManager's SASL user). */
    private static final String SASL_USER = "sparkSaslUser";
    private static final String ENV_SECRET = "_SPARK_AUTH_SECRET";

    private MasterAuthProbe() {
    }

    /** Fails with one message naming the secret's setting and the master when a master refuses the secret. */
    static void check(SparkConf conf) {
        String master = conf.get("spark.master", "");
        if (!master.startsWith("spark://") || !conf.getBoolean("spark.authenticate", false)) {
            return;
        }
        String secret = conf.get("spark.authenticate.secret", System.getenv(ENV_SECRET));
        if (secret == null) {
            return; // Spark itself says that a secret is needed
        }
        for (String hostPort : master.substring("spark://".length()).split(",")) {
            refusal(conf, hostPort.trim(), secret).ifPresent(why -> {
                throw new SettingsException("the standalone master " + master + " refused this driver's "
                        + "authentication (" + why + "): spark.authenticate.secret (or " + ENV_SECRET + ") must be "
                        + "the secret the master and its workers were started with");
            });
        }
    }

    /** Why {@code hostPort} refused the secret, or empty when it accepted it or could not be reached. */
    private static Optional<String> refusal(SparkConf conf, String hostPort, String secret) {
        int colon = hostPort.lastIndexOf(':');
        if (colon < 0) {
            return Optional.empty();
        }
        String host = hostPort.substring(0, colon);
        int port = Integer.parseInt(hostPort.substring(colon + 1));
        TransportConf transport = new TransportConf("rpc", new MapConfigProvider(settings(conf)));
        SecretKeyHolder keys = new SecretKeyHolder() {
            @Override
            public String getSaslUser(String appId) {
                return SASL_USER;
            }

            @Override
            public String getSecretKey(String appId) {
                return secret;
            }
        };
        try (TransportContext context = new TransportContext(transport, new NoOpRpcHandler());
             TransportClientFactory clients = context.createClientFactory()) {
            TransportClient client;
            try {
                client = clients.createClient(host, port, true);
            } catch (IOException e) {
                return Optional.empty(); // not reached: the context's own attempt reports it
            }
            try (client) {
                // the bootstrap run here rather than by the factory, which logs a failure with its stack trace
                new AuthClientBootstrap(transport, SASL_USER, keys).doBootstrap(client, client.getChannel());
                return Optional.empty();
            } catch (RuntimeException e) {
                return Optional.of(why(e));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        }
    }

    /** The driver's transport settings, with the probe's own short timeouts. */
    private static Map<String, String> settings(SparkConf conf) {
        Map<String, String> map = new HashMap<>();
        for (Tuple2<String, String> e : conf.getAll()) {
            if (e._1().startsWith("spark.network.") || e._1().startsWith("spark.rpc.")
                    || e._1().startsWith("spark.authenticate.")) {
                map.put(e._1(), e._2());
            }
        }
        map.remove("spark.authenticate.secret"); // given through the key holder only
        map.put("spark.rpc.io.connectionTimeout", TIMEOUT_SECONDS + "s");
        map.put("spark.network.auth.rpcTimeout", TIMEOUT_SECONDS + "s");
        map.put("spark.rpc.io.numConnectionsPerPeer", "1");
        return map;
    }

    private static String why(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        if (t instanceof java.nio.channels.ClosedChannelException) {
            return "it closed the connection during the handshake";
        }
        return t.getMessage() == null ? t.getClass().getSimpleName() : t.getClass().getSimpleName() + ": " + t.getMessage();
    }
}
