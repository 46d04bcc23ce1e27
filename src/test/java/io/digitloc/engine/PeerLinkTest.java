package io.digitloc.engine;

import io.digitloc.rounds.SliceAllReduce;
import org.apache.spark.SparkConf;
import org.apache.spark.network.sasl.SecretKeyHolder;
import org.junit.jupiter.api.Test;

import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Two workers' links on 127.0.0.1 over Spark's transport, authenticated and encrypted as on the cluster. */
class PeerLinkTest {
    private static SparkConf secured() {
        return new SparkConf(false).set("spark.app.id", "app-test").set("spark.authenticate", "true")
                .set("spark.network.crypto.enabled", "true");
    }

    private static SecretKeyHolder secret(String s) {
        return new SecretKeyHolder() {
            public String getSaslUser(String appId) {
                return "sparkSaslUser";
            }

            public String getSecretKey(String appId) {
                return s;
            }
        };
    }

    private static PeerLink link(int self, SparkConf conf, String secret, int timeoutSeconds) {
        return new PeerLink(self, 2, timeoutSeconds, () -> false,
                inbox -> SparkTransport.open(conf, "127.0.0.1", inbox, secret(secret)));
    }

    private static List<InetSocketAddress> addresses(PeerLink a, PeerLink b) {
        return List.of(new InetSocketAddress("127.0.0.1", a.port()), new InetSocketAddress("127.0.0.1", b.port()));
    }

    @Test
    void twoAuthenticatedWorkersAverage() throws Exception {
        try (PeerLink a = link(0, secured(), "s3cret", 30); PeerLink b = link(1, secured(), "s3cret", 30)) {
            a.connect(addresses(a, b));
            b.connect(addresses(a, b));
            float[] x = new float[100_001];
            float[] y = new float[100_001];
            for (int i = 0; i < x.length; i++) {
                x[i] = i;
                y[i] = -i + 1;
            }
            CompletableFuture<Void> other = CompletableFuture.runAsync(() -> {
                try {
                    SliceAllReduce.mean(b, 0, y, 1);
                    b.bye();
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            SliceAllReduce.mean(a, 0, x, 1);
            a.bye();
            other.get(30, TimeUnit.SECONDS);
            assertThat(x).containsOnly(0.5f);
            assertThat(y).containsOnly(0.5f);
            assertThat(a.bytesOut()).isGreaterThan(4L * x.length); // 2 (N - 1) / N of the array, and framing
        }
    }

    @Test
    void aWorkerWithTheWrongSecretCannotConnect() {
        try (PeerLink a = link(0, secured(), "s3cret", 5); PeerLink b = link(1, secured(), "wrong", 5)) {
            assertThatThrownBy(() -> b.connect(addresses(a, b))).isInstanceOf(Exception.class);
        }
    }

    @Test
    void aPeerThatDiesFailsTheWaitAtOnceNotAtTheTimeout() throws Exception {
        try (PeerLink a = link(0, secured(), "s3cret", 600)) {
            PeerLink b = link(1, secured(), "s3cret", 600);
            a.connect(addresses(a, b));
            b.connect(addresses(a, b));
            b.send(0, 99, 0, new float[] {1}, 0, 1); // a knows the connection is worker 1's
            assertThat(a.receive(1, 99)).containsExactly(0f, 1f);
            b.close(); // no bye: as when its JVM is killed
            long t0 = System.nanoTime();
            assertThatThrownBy(() -> a.receive(1, 100)).hasMessageContaining("connection to worker 1 closed");
            assertThat((System.nanoTime() - t0) / 1e9).isLessThan(60);
        }
    }
}
