package io.digitloc.spark;

import io.digitloc.model.ModelStore;
import io.digitloc.model.StockLayers;
import io.digitloc.platform.NativeSetup;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.deeplearning4j.nn.graph.ComputationGraph;

import java.io.Serializable;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A model shipped to executors once (a Spark broadcast of its zip bytes) and restored once per
 * executor JVM and task thread, not once per partition. Networks are not thread-safe, so each task
 * thread gets its own copy.
 */
public final class BroadcastModel implements Serializable {
    private static final long serialVersionUID = 1L;
    private static final ConcurrentHashMap<String, ComputationGraph> CACHE = new ConcurrentHashMap<>();

    private final Broadcast<byte[]> bytes;

    public BroadcastModel(JavaSparkContext jsc, ComputationGraph net) {
        this.bytes = jsc.broadcast(ModelStore.toBytes(net));
    }

    /**
     * The model on this executor, for the calling task thread. Executors never see {@link #destroy()}, so
     * the first task of a newer model drops this JVM's copies of older ones (broadcast ids only grow):
     * a run that validates every epoch keeps one model per task thread, not one per epoch.
     */
    public ComputationGraph get() {
        long id = bytes.id();
        String key = id + "/" + Thread.currentThread().getId();
        ComputationGraph cached = CACHE.get(key);
        if (cached != null) {
            return cached;
        }
        CACHE.keySet().removeIf(k -> Long.parseLong(k.substring(0, k.indexOf('/'))) < id);
        return CACHE.computeIfAbsent(key, k -> {
            NativeSetup.configure();
            // saved models hold DL4J's stock layers; the fast ones compute the same function, faster
            // (docs/performance.md)
            return StockLayers.toFast(ModelStore.fromBytes(bytes.value()));
        });
    }

    /** Frees the broadcast and this JVM's copies. */
    public void destroy() {
        String prefix = bytes.id() + "/";
        CACHE.keySet().removeIf(k -> k.startsWith(prefix));
        bytes.destroy();
    }
}
