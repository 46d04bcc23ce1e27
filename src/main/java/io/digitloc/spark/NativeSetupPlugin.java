package io.digitloc.spark;

import io.digitloc.platform.NativeSetup;
import org.apache.spark.api.plugin.DriverPlugin;
import org.apache.spark.api.plugin.ExecutorPlugin;
import org.apache.spark.api.plugin.PluginContext;
import org.apache.spark.api.plugin.SparkPlugin;

import java.util.Map;

/**
 * Runs {@link NativeSetup#configure()} when each executor starts, before any task can load ND4J,
 * so executors pick the right native build and enable DL4J's oneDNN helpers without depending on
 * every cluster's extraJavaOptions. Enabled by {@code spark.plugins=io.digitloc.spark.NativeSetupPlugin}
 * (set by the jobs and conf/spark/common.conf).
 */
public final class NativeSetupPlugin implements SparkPlugin {

    @Override
    public DriverPlugin driverPlugin() {
        return new DriverPlugin() {
            @Override
            public Map<String, String> init(org.apache.spark.SparkContext sc, PluginContext ctx) {
                NativeSetup.configure();
                return Map.of();
            }
        };
    }

    @Override
    public ExecutorPlugin executorPlugin() {
        return new ExecutorPlugin() {
            @Override
            public void init(PluginContext ctx, Map<String, String> extraConf) {
                NativeSetup.configure();
            }
        };
    }
}
